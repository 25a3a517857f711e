namespace MlOperator.Operator.Rollout;

/// <summary>Something a pass of the rollout planner wants told as an Event.</summary>
public sealed record RolloutNotice(bool Warning, string Reason, string Message);
