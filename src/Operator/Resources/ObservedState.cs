using k8s.Models;

namespace MlOperator.Operator.Resources;

/// <summary>What the reconciler saw of the children before building: the Deployments this ModelDeployment owns.</summary>
public sealed record ObservedState(IReadOnlyList<V1Deployment> Deployments)
{
    public static ObservedState Empty { get; } = new([]);

    public V1Deployment? Revision(string hash) =>
        Deployments.FirstOrDefault(d => d.GetLabel(ModelDeploymentLabels.Revision) == hash);

    /// <summary>Pods a revision runs or is about to run (the larger of spec and status), 0 when it does not exist.
    /// A Deployment whose pods quota admission refused (ReplicaFailure) counts only the pods that exist.</summary>
    public int CurrentReplicas(string hash) => Revision(hash) is not { } d ? 0
        : d.Status?.Conditions?.Any(c => c.Type == "ReplicaFailure" && c.Status == "True") == true ? d.Status.Replicas ?? 0
        : Math.Max(d.Spec?.Replicas ?? 1, d.Status?.Replicas ?? 0);
}
