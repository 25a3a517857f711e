using k8s.Models;
using MlOperator.Operator.Resources;
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
    IReadOnlyList<BoundOwnedKind> Owned)
{
    /// <summary>
    /// The <see cref="Pods"/> index by namespace and revision label, so a pass reads one revision's pods without
    /// scanning every pod of the namespace (a pass per ModelDeployment over all of them grows with the square).
    /// </summary>
    public const string PodsByRevision = "revision";

    public static string RevisionKey(string? ns, string revision) => (ns ?? "") + "/" + revision;

    public static IEnumerable<string> RevisionKeys(V1Pod pod) =>
        pod.GetLabel(ModelDeploymentLabels.Revision) is { } revision ? [RevisionKey(pod.Metadata.NamespaceProperty, revision)] : [];

    /// <summary>One revision's pods of one ModelDeployment, read-only (the cached objects themselves).</summary>
    public IEnumerable<V1Pod> RevisionPods(string? ns, string modelDeployment, string revision)
    {
        var selector = LabelSelectorExpression.Parse(ModelDeploymentLabels.RevisionSelectorText(modelDeployment, revision));
        return Pods.ByIndexReadOnly(PodsByRevision, RevisionKey(ns, revision)).Where(p => selector.Matches(p.Metadata.Labels));
    }
}
