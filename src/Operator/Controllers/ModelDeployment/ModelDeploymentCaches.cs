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
    /// The <see cref="Pods"/> index by namespace, ModelDeployment label and revision label, so a pass reads one
    /// revision's pods without scanning other pods (a pass per ModelDeployment over all of them grows with the square).
    /// The ModelDeployment is part of the key because the revision is a hash of the pod template: ModelDeployments
    /// with the same spec share it (1,000 identical ones in the bench put every pod under one key).
    /// </summary>
    public const string PodsByRevision = "revision";

    public static string RevisionKey(string? ns, string modelDeploymentLabel, string revision) =>
        (ns ?? "") + "/" + modelDeploymentLabel + "/" + revision;

    public static IEnumerable<string> RevisionKeys(V1Pod pod) =>
        pod.GetLabel(ModelDeploymentLabels.Revision) is { } revision && pod.GetLabel(ModelDeploymentLabels.ModelDeploymentLabel) is { } owner
            ? [RevisionKey(pod.Metadata.NamespaceProperty, owner, revision)]
            : [];

    /// <summary>One revision's pods of one ModelDeployment, read-only (the cached objects themselves).</summary>
    public IEnumerable<V1Pod> RevisionPods(string? ns, string modelDeployment, string revision)
    {
        var selector = LabelSelectorExpression.Parse(ModelDeploymentLabels.RevisionSelectorText(modelDeployment, revision));
        return Pods.ByIndexReadOnly(PodsByRevision, RevisionKey(ns, ModelDeploymentLabels.LabelValue(modelDeployment), revision))
            .Where(p => selector.Matches(p.Metadata.Labels));
    }
}
