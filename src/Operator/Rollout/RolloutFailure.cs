namespace MlOperator.Operator.Rollout;

/// <summary>A canary rolled back, why, and the sentence status and the Warning Event carry.</summary>
public sealed record RolloutFailure(RollbackCause Cause, string Revision, string Version, string Message);
