using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Rollout;

/// <summary>spec.rollout of a Canary strategy with defaults applied and durations parsed.</summary>
public sealed record CanaryPolicy(IReadOnlyList<CanaryStep> Steps, TimeSpan Interval, int FailureLimit, TimeSpan ProgressDeadline)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultProgressDeadline = TimeSpan.FromMinutes(10);
    public const int DefaultFailureLimit = 2;

    /// <summary>
    /// Whether steps are judged by analysis. Without spec.rollout.analysis a step passes once its pods are Ready
    /// and its pause is over (time-based steps, as with Argo Rollouts' pause steps).
    /// </summary>
    public bool Analysed { get; init; } = true;

    /// <summary>A canary past its progress deadline is held at its step instead of rolled back (progressDeadlineAction: Pause).</summary>
    public bool PauseOnDeadline { get; init; }

    /// <summary>The checks of spec.rollout.analysis with defaults.</summary>
    public AnalysisLimits Limits { get; init; } = AnalysisLimits.From(null);

    /// <summary>A Canary strategy with at least one step: the new revision goes through weighted steps.</summary>
    public static bool HasSteps(ModelDeployment md) =>
        md.Spec.Rollout?.Strategy != RolloutSpec.Recreate && md.Spec.Rollout?.Steps is { Count: > 0 };

    /// <summary>The policy of a validated spec (unparseable durations fall back to their defaults; the validator refuses them).</summary>
    public static CanaryPolicy From(ModelDeployment md)
    {
        var rollout = md.Spec.Rollout;
        var analysis = rollout?.Analysis;
        var steps = (rollout?.Steps ?? [])
            .Select(s => new CanaryStep(s.Weight, DurationValue.TryParse(s.Pause, out var pause) ? pause : TimeSpan.Zero))
            .ToList();
        return new CanaryPolicy(
            steps,
            DurationValue.TryParse(analysis?.Interval, out var interval) && interval > TimeSpan.Zero ? interval : DefaultInterval,
            analysis?.FailureLimit ?? DefaultFailureLimit,
            RevisionLifecycle.ProgressDeadline(md))
        {
            Analysed = analysis is not null,
            PauseOnDeadline = rollout?.ProgressDeadlineAction == RolloutSpec.ProgressDeadlinePause,
            Limits = AnalysisLimits.From(analysis),
        };
    }
}
