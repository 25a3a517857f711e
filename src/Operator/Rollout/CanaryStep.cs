namespace MlOperator.Operator.Rollout;

/// <summary>One step of spec.rollout.steps with its pause parsed: a traffic weight held for a time under analysis.</summary>
public sealed record CanaryStep(int Weight, TimeSpan Pause);
