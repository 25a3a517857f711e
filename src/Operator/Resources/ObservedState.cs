using k8s.Models;

namespace MlOperator.Operator.Resources;

/// <summary>What the reconciler saw of the children before building: the Deployments this ModelDeployment owns.</summary>
public sealed record ObservedState(IReadOnlyList<V1Deployment> Deployments)
{
    public static ObservedState Empty { get; } = new([]);

    public V1Deployment? Revision(string hash) =>
        Deployments.FirstOrDefault(d => d.GetLabel(ModelDeploymentLabels.Revision) == hash);

    /// <summary>Pods a revision runs or is about to run (the larger of spec and status), 0 when it does not exist.</summary>
    public int CurrentReplicas(string hash) =>
        Revision(hash) is { } d ? Math.Max(d.Spec?.Replicas ?? 1, d.Status?.Replicas ?? 0) : 0;
}
