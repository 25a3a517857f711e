using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Runtime.Cache;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>The informer caches the reconciler reads from (reads come from here, writes go to the API).</summary>
public sealed record ModelDeploymentCaches(
    Informer<Md> ModelDeployments,
    Informer<Deployment> Deployments,
    Informer<Service> Services,
    Informer<Ingress> Ingresses,
    Informer<HorizontalPodAutoscaler> Autoscalers,
    Informer<ResourceQuota> Quotas);
