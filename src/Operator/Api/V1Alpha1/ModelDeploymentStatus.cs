using k8s.Models;
using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>Observed state of a ModelDeployment.</summary>
public sealed class ModelDeploymentStatus
{
    /// <summary>metadata.generation this status describes.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>Lifecycle phase: Pending, Progressing, Ready, Degraded, RollingBack or Failed.</summary>
    [Enum(ModelDeploymentPhase.Pending, ModelDeploymentPhase.Progressing, ModelDeploymentPhase.Ready,
        ModelDeploymentPhase.Degraded, ModelDeploymentPhase.RollingBack, ModelDeploymentPhase.Failed)]
    public string? Phase { get; set; }

    /// <summary>Model version of the stable revision.</summary>
    public string? StableVersion { get; set; }

    /// <summary>Revision hash of the stable revision (suffix of its Deployment's name).</summary>
    public string? StableRevision { get; set; }

    /// <summary>The canary in progress, if any.</summary>
    public CanaryStatus? Canary { get; set; }

    /// <summary>
    /// Revision hash that was rolled back (failed analysis, missed spec.rollout.progressDeadline, or aborted); it is
    /// not brought up again while the spec still maps to it, unless a retry is requested.
    /// </summary>
    public string? FailedRevision { get; set; }

    /// <summary>
    /// The last value of each action annotation (serving.mloperator.io/promote, abort, retry) the operator acted on;
    /// a new value acts once.
    /// </summary>
    public RolloutActionTokens? HandledActions { get; set; }

    /// <summary>Pods of all revisions (the scale subresource reads it).</summary>
    public int? Replicas { get; set; }

    /// <summary>Ready pods of all revisions.</summary>
    public int? ReadyReplicas { get; set; }

    /// <summary>Label selector of the pods, in string form, for the scale subresource.</summary>
    public string? Selector { get; set; }

    /// <summary>In-cluster URL of the Service, or the Ingress URL when an Ingress host is set.</summary>
    public string? Url { get; set; }

    /// <summary>Ready, Progressing, Degraded, QuotaExceeded, ModelVerified and Stalled (kstatus-compatible).</summary>
    [ListMap("type")]
    public List<V1Condition>? Conditions { get; set; }
}
