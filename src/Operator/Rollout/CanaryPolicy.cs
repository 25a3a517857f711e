namespace MlOperator.Operator.Rollout;

/// <summary>spec.rollout of a Canary strategy with defaults applied and durations parsed.</summary>
public sealed record CanaryPolicy(IReadOnlyList<CanaryStep> Steps, TimeSpan Interval, int FailureLimit, TimeSpan ProgressDeadline)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultProgressDeadline = TimeSpan.FromMinutes(10);
    public const int DefaultFailureLimit = 2;
}
