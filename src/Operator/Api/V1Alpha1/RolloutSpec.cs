using k8s.Models;
using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>How a new revision replaces the stable one.</summary>
[CelRule(ModelDeploymentCelRules.StepWeightsIncrease, "spec.rollout.steps weights must be strictly increasing")]
[CelRule(ModelDeploymentCelRules.RecreateHasNoSteps, "spec.rollout.steps apply only to strategy Canary")]
public sealed class RolloutSpec
{
    /// <summary>
    /// Canary brings a new revision up beside the stable one, which keeps serving until the new one is ready (no
    /// downtime); Recreate replaces the stable revision at once (downtime until the new pods are ready).
    /// </summary>
    [Enum(Canary, Recreate), Default(Canary)]
    public string? Strategy { get; set; }

    /// <summary>
    /// How traffic is split: ReplicaRatio (one Service over both revisions, weight by replica count). NginxIngress
    /// (requires spec.ingress): the Service selects the stable revision only and, during a weighted canary, an
    /// ingress-nginx canary Ingress {name}-canary (nginx.ingress.kubernetes.io/canary-weight: the step's weight, 0 while
    /// no canary pod is Ready) sends its share to the Service {name}-canary. GatewayAPI (HTTPRoute with weighted
    /// backends) is accepted but not built yet: it splits by replica count.
    /// </summary>
    [Enum(ReplicaRatio, NginxIngress, GatewayApi), Default(ReplicaRatio)]
    public string? TrafficRouting { get; set; }

    /// <summary>
    /// Canary steps in order; each runs ceil(weight × stable replicas) canary pods and, once they are Ready, holds for
    /// its pause under analysis. Without steps a new revision comes up at full size and is promoted once available.
    /// </summary>
    [MaxItems(20)]
    public List<RolloutStep>? Steps { get; set; }

    /// <summary>
    /// How long a new revision may take to become available beside the stable one, or a canary step may stay unready
    /// or inconclusive, as a duration ("10m") or whole seconds. Past it the new revision is rolled back (scaled to
    /// zero and deleted, the stable keeps serving, phase Degraded, reason ProgressDeadlineExceeded) and not retried
    /// until the spec changes or a retry is requested.
    /// </summary>
    [Duration, Default("10m")]
    public IntOrString? ProgressDeadline { get; set; }

    /// <summary>
    /// What a canary that misses progressDeadline (pods not Ready, or no conclusive check) does: Rollback (traffic back
    /// to the stable, the revision marked failed) or Pause (held at its step with Stalled=True until a check passes
    /// again or a promote/abort annotation decides).
    /// </summary>
    [Enum(ProgressDeadlineRollback, ProgressDeadlinePause), Default(ProgressDeadlineRollback)]
    public string? ProgressDeadlineAction { get; set; }

    /// <summary>Health checks that decide whether the canary proceeds or rolls back.</summary>
    public AnalysisSpec? Analysis { get; set; }

    public const string Canary = "Canary";
    public const string ProgressDeadlineRollback = "Rollback";
    public const string ProgressDeadlinePause = "Pause";
    public const string Recreate = "Recreate";
    public const string ReplicaRatio = "ReplicaRatio";
    public const string NginxIngress = "NginxIngress";
    public const string GatewayApi = "GatewayAPI";
}
