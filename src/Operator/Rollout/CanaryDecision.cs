namespace MlOperator.Operator.Rollout;

/// <summary>
/// The planner's answer for one pass: what to do, the progress to record, the canary's size and nominal weight,
/// and when to look again (null: only when something changes).
/// </summary>
public sealed record CanaryDecision(
    CanaryAction Action,
    CanaryProgress Progress,
    int CanaryReplicas,
    int Weight,
    TimeSpan? RequeueAfter,
    RollbackCause? Cause,
    string Message);
