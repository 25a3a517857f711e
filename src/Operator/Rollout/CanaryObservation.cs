using MlOperator.Operator.Analysis;

namespace MlOperator.Operator.Rollout;

/// <summary>What one reconcile pass saw: the time, pod counts, the pause annotation and, when a check was due,
/// its verdict.</summary>
public sealed record CanaryObservation(DateTimeOffset Now, int StableReplicas, int ReadyCanaryReplicas, bool Paused, AnalysisVerdict? Verdict);
