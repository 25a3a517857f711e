using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Runtime.Controller;
using MlOperator.Operator.Runtime.Hosting;
using Microsoft.Extensions.Logging;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>Registers the ModelDeployment controller with the manager: what wakes it and who reconciles.</summary>
public static class ModelDeploymentController
{
    public const string Name = "modeldeployment";

    public static ResourceController Register(
        ControllerManager manager, IKubeClient client, ModelDeploymentDefaults defaults, ILoggerFactory loggerFactory, TimeProvider time, int workers = 8)
    {
        var caches = new ModelDeploymentCaches(
            manager.GetInformer<Md>(),
            manager.GetInformer<Deployment>(),
            manager.GetInformer<Service>(),
            manager.GetInformer<Ingress>(),
            manager.GetInformer<HorizontalPodAutoscaler>(),
            manager.GetInformer<ResourceQuota>());
        var reconciler = new ModelDeploymentReconciler(client, caches, manager.Events, defaults, time, loggerFactory.CreateLogger<ModelDeploymentReconciler>());

        // Complete() registers the controller with the manager.
        return manager.NewController(Name)
            // Our own status writes change neither generation nor metadata: they must not wake us again.
            .For<Md>(EventFilter.Or(EventFilter.GenerationChanged, EventFilter.AnnotationsChanged, EventFilter.LabelsChanged))
            .Owns<Deployment>()
            .Owns<Service>()
            .Owns<Ingress>()
            .Owns<HorizontalPodAutoscaler>()
            // A quota change can unblock (or block) every ModelDeployment of its namespace.
            .Watches<ResourceQuota>(quota => caches.ModelDeployments.List(quota.Metadata.Namespace).Select(ReconcileRequest.For))
            .WithWorkers(workers)
            .Complete(reconciler);
    }
}
