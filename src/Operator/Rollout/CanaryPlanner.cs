using System.Globalization;
using MlOperator.Operator.Analysis;

namespace MlOperator.Operator.Rollout;

/// <summary>
/// The canary state machine, as a pure function from (policy, progress, observation) to a decision. Per step: size
/// the canary for the step's weight, wait until those pods are Ready, then check every interval for the step's
/// pause; the step ends when its pause has passed and its latest check passed; the last step ends in promotion.
/// A failed check counts towards the failure limit; an inconclusive one (too little traffic) neither advances nor
/// fails, but unready or inconclusive time is bounded by the progress deadline. The controller runs a check only
/// when <see cref="AnalysisDue"/> says so and hands the verdict in, so a restart never double-counts one.
/// </summary>
public static class CanaryPlanner
{
    public static bool AnalysisDue(CanaryProgress progress, DateTimeOffset now) =>
        progress.StepStartedAt is not null && progress.NextAnalysisAt is { } due && now >= due;

    public static CanaryDecision Plan(CanaryPolicy policy, CanaryProgress progress, CanaryObservation observation)
    {
        ArgumentOutOfRangeException.ThrowIfZero(policy.Steps.Count, nameof(policy));
        var now = observation.Now;
        var stepIndex = Math.Clamp(progress.Step, 0, policy.Steps.Count - 1);
        var step = policy.Steps[stepIndex];
        var target = CanaryReplicas.ForWeight(step.Weight, observation.StableReplicas);
        var previousWeight = stepIndex == 0 ? 0 : policy.Steps[stepIndex - 1].Weight;
        progress = progress with { Step = stepIndex };

        if (progress.StepStartedAt is not { } stepStartedAt)
        {
            return WaitForPods(policy, progress, observation, target, previousWeight);
        }

        if (observation.Paused)
        {
            return new CanaryDecision(CanaryAction.Progress, progress, target, step.Weight, null, null,
                Text($"paused at step {stepIndex + 1}/{policy.Steps.Count}"));
        }

        if (AnalysisDue(progress, now) && observation.Verdict is { } verdict)
        {
            progress = Judge(progress, verdict, now, policy.Interval);
            if (verdict.Outcome == AnalysisOutcome.Failed && progress.AnalysisFailures >= policy.FailureLimit)
            {
                return RollBack(progress, RollbackCause.AnalysisFailed, verdict.Summary);
            }
        }

        if (progress.StuckSince is { } stuck && now - stuck >= policy.ProgressDeadline)
        {
            return PastDeadline(policy, progress, target, step.Weight,
                Text($"no conclusive analysis for {Minutes(now - stuck)}: {progress.LastAnalysis}"));
        }

        var pauseEnds = stepStartedAt + step.Pause;
        if (now >= pauseEnds && progress.StepPassed)
        {
            if (stepIndex == policy.Steps.Count - 1)
            {
                return new CanaryDecision(CanaryAction.Promote, progress, target, 100, null, null,
                    Text($"all {policy.Steps.Count} steps passed"));
            }

            var next = progress with { Step = stepIndex + 1, StepStartedAt = null, NextAnalysisAt = null, StuckSince = null, StepPassed = false };
            return WaitForPods(policy, next, observation, CanaryReplicas.ForWeight(policy.Steps[stepIndex + 1].Weight, observation.StableReplicas), step.Weight);
        }

        var wake = progress.NextAnalysisAt is { } due && due > now ? due - now : policy.Interval;
        if (now < pauseEnds && pauseEnds - now < wake)
        {
            wake = pauseEnds - now;
        }

        return new CanaryDecision(CanaryAction.Progress, progress, target, step.Weight, wake, null,
            Text($"step {stepIndex + 1}/{policy.Steps.Count}, weight {step.Weight}%") + (progress.LastAnalysis is { } last ? "; last analysis: " + last : ""));
    }

    private static CanaryDecision WaitForPods(CanaryPolicy policy, CanaryProgress progress, CanaryObservation observation, int target, int previousWeight)
    {
        var now = observation.Now;
        var step = policy.Steps[progress.Step];
        if (observation.ReadyCanaryReplicas >= target)
        {
            // Without analysis a step passes on time alone.
            var started = progress with
            {
                StepStartedAt = now,
                NextAnalysisAt = policy.Analysed ? now + policy.Interval : null,
                StuckSince = null,
                StepPassed = !policy.Analysed,
            };
            return new CanaryDecision(CanaryAction.Progress, started, target, step.Weight, policy.Analysed ? policy.Interval : step.Pause, null,
                Text($"step {progress.Step + 1}/{policy.Steps.Count}, weight {step.Weight}%: canary pods ready"));
        }

        var stuck = progress.StuckSince ?? now;
        progress = progress with { StuckSince = stuck };
        if (now - stuck >= policy.ProgressDeadline)
        {
            return PastDeadline(policy, progress, target, previousWeight,
                Text($"{observation.ReadyCanaryReplicas} of {target} canary pods ready after {Minutes(now - stuck)}"));
        }

        return new CanaryDecision(CanaryAction.Progress, progress, target, previousWeight, stuck + policy.ProgressDeadline - now, null,
            Text($"step {progress.Step + 1}/{policy.Steps.Count}: waiting for canary pods ({observation.ReadyCanaryReplicas} of {target} ready)"));
    }

    private static CanaryProgress Judge(CanaryProgress progress, AnalysisVerdict verdict, DateTimeOffset now, TimeSpan interval)
    {
        // The next check is one interval after this one, not after the due time: a pass that ran late (operator
        // down) must not be followed by a burst of catch-up checks on the same traffic.
        progress = progress with { NextAnalysisAt = now + interval, LastAnalysis = Text($"{verdict.Outcome}: {verdict.Summary}") };
        return verdict.Outcome switch
        {
            AnalysisOutcome.Passed => progress with { StepPassed = true, StuckSince = null },
            AnalysisOutcome.Failed => progress with { StepPassed = false, AnalysisFailures = progress.AnalysisFailures + 1 },
            _ => progress with { StepPassed = false, StuckSince = progress.StuckSince ?? now },
        };
    }

    /// <summary>
    /// Past the progress deadline: rolled back, or with progressDeadlineAction Pause held where it is (an Progress
    /// decision carrying the cause) until a check passes again or an annotation decides; no wake-up of its own.
    /// </summary>
    private static CanaryDecision PastDeadline(CanaryPolicy policy, CanaryProgress progress, int target, int weight, string why) =>
        policy.PauseOnDeadline
            ? new CanaryDecision(CanaryAction.Progress, progress, target, weight, policy.Analysed ? policy.Interval : null, RollbackCause.ProgressDeadlineExceeded,
                "held past its progress deadline: " + why + "; promote or abort with an annotation")
            : RollBack(progress, RollbackCause.ProgressDeadlineExceeded, why);

    private static CanaryDecision RollBack(CanaryProgress progress, RollbackCause cause, string message) =>
        new(CanaryAction.RollBack, progress, 0, 0, null, cause, message);

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 1
        ? Text($"{span.TotalMinutes:0.#}m")
        : Text($"{span.TotalSeconds:0}s");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
