using k8s.Models;
using MlOperator.Operator.Runtime.Cache;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>
/// The informer caches the reconciler reads from (reads come from here, writes go to the API). <see cref="Pods"/> holds
/// only the operator's pods (label <c>app.kubernetes.io/managed-by=mloperator</c>, selected server-side).
/// </summary>
public sealed record ModelDeploymentCaches(
    Informer<Md> ModelDeployments,
    Informer<V1Deployment> Deployments,
    Informer<V1Service> Services,
    Informer<V1Ingress> Ingresses,
    Informer<V2HorizontalPodAutoscaler> Autoscalers,
    Informer<V1ResourceQuota> Quotas,
    Informer<V1Pod> Pods,
    IReadOnlyList<BoundOwnedKind> Owned);
