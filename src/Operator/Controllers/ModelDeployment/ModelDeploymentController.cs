using k8s.Models;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Runtime.Controller;
using MlOperator.Operator.Runtime.Hosting;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>Registers the ModelDeployment controller with the manager: what wakes it and who reconciles.</summary>
public static class ModelDeploymentController
{
    public const string Name = "modeldeployment";

    public static ResourceController Register(
        ControllerManager manager, IKubeClient client, ModelDeploymentDefaults defaults, ILoggerFactory loggerFactory, TimeProvider time, int workers = 8,
        IRevisionMetrics? metrics = null, RolloutMetrics? rolloutMetrics = null)
    {
        var caches = new ModelDeploymentCaches(
            manager.GetInformer<Md>(),
            manager.GetInformer<V1Deployment>(),
            manager.GetInformer<V1Service>(),
            manager.GetInformer<V1Ingress>(),
            manager.GetInformer<V2HorizontalPodAutoscaler>(),
            manager.GetInformer<V1ResourceQuota>(),
            manager.GetInformer<V1Pod>(PodEvents.Selector),
            [.. OperatorKinds.Owned.Select(kind => kind.Bind(manager))]);
        caches.Pods.SetTransform(PodEvents.Trim);
        caches.Pods.AddIndex(ModelDeploymentCaches.PodsByRevision, ModelDeploymentCaches.RevisionKeys);
        // Without a provider handed in (tests), scrape the pods this controller's own Pod informer holds.
        var analysis = new CanaryAnalysis(metrics ?? new PodMetricsProvider(caches.Pods, new PodMetricsOptions(), time, loggerFactory.CreateLogger<PodMetricsProvider>()));
        var reconciler = new ModelDeploymentReconciler(client, caches, manager.Events, defaults, time, analysis, loggerFactory.CreateLogger<ModelDeploymentReconciler>())
        {
            Metrics = rolloutMetrics,
        };

        caches.ModelDeployments.AddEventHandler(reconciler.WrittenStatusEviction);

        // Our own status writes change neither generation nor metadata: they must not wake us again.
        var builder = manager.NewController(Name)
            .For<Md>(EventFilter.Or(EventFilter.GenerationChanged, EventFilter.AnnotationsChanged, EventFilter.LabelsChanged));
        foreach (var kind in OperatorKinds.Owned)
        {
            builder = kind.Own(builder);
        }

        // Complete() registers the controller with the manager.
        return builder
            // A quota change can unblock (or block) every ModelDeployment of its namespace.
            .Watches<V1ResourceQuota>(quota => caches.ModelDeployments.ListReadOnly(quota.Metadata.NamespaceProperty).Select(ReconcileRequest.For))
            // A pod becoming ready, crash-looping or going wakes its ModelDeployment; status heartbeats do not.
            .Watches<V1Pod>(pod => PodEvents.Owner(pod, caches.ModelDeployments), PodEvents.Selector, PodEvents.StateChanged)
            .WithWorkers(workers)
            .Complete(reconciler);
    }
}
