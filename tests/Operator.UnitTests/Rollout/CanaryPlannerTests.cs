using MlOperator.Operator.Analysis;
using MlOperator.Operator.Rollout;

namespace MlOperator.Operator.UnitTests.Rollout;

public class CanaryPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static readonly CanaryPolicy Policy = new(
        [new CanaryStep(10, TimeSpan.FromMinutes(1)), new CanaryStep(50, TimeSpan.FromMinutes(2))],
        Interval, FailureLimit: 2, ProgressDeadline: TimeSpan.FromMinutes(10));

    private static readonly AnalysisVerdict Pass = AnalysisVerdict.Passed("100 requests, error rate 0, p99 3 ms");
    private static readonly AnalysisVerdict Fail = AnalysisVerdict.Failed([new AnalysisFinding(AnalysisJudge.ErrorRateMetric, 0.2, 0.01)]);
    private static readonly AnalysisVerdict Unsure = AnalysisVerdict.Inconclusive("canary served 3 requests in the window, fewer than minRequests 50");

    private static CanaryDecision Plan(CanaryProgress progress, TimeSpan at, int ready = 100, AnalysisVerdict? verdict = null, bool paused = false, int stable = 10) =>
        CanaryPlanner.Plan(Policy, progress, new CanaryObservation(T0 + at, stable, ready, paused, verdict));

    /// <summary>Runs passes every <paramref name="tick"/>, answering each due check with <paramref name="verdict"/>.</summary>
    private static (CanaryDecision Last, TimeSpan At, int Checks) Run(Func<int, AnalysisVerdict> verdict, TimeSpan tick, TimeSpan limit, CanaryProgress? from = null)
    {
        var progress = from ?? CanaryProgress.Start;
        var checks = 0;
        CanaryDecision decision = null!;
        for (var at = TimeSpan.Zero; at <= limit; at += tick)
        {
            var due = CanaryPlanner.AnalysisDue(progress, T0 + at);
            decision = Plan(progress, at, verdict: due ? verdict(checks++) : null);
            progress = decision.Progress;
            if (decision.Action != CanaryAction.Progress)
            {
                return (decision, at, checks);
            }
        }

        return (decision, limit, checks);
    }

    [Fact]
    public void Nothing_counts_until_the_step_pods_are_ready()
    {
        var decision = Plan(CanaryProgress.Start, TimeSpan.Zero, ready: 0);

        Assert.Equal(CanaryAction.Progress, decision.Action);
        Assert.Equal(1, decision.CanaryReplicas); // 10 % of 10
        Assert.Equal(0, decision.Weight);
        Assert.Null(decision.Progress.StepStartedAt);
        Assert.Equal(T0, decision.Progress.StuckSince);
        Assert.False(CanaryPlanner.AnalysisDue(decision.Progress, T0 + TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromMinutes(10), decision.RequeueAfter);
    }

    [Fact]
    public void Ready_pods_start_the_step_and_schedule_the_first_check_one_interval_later()
    {
        var decision = Plan(CanaryProgress.Start with { StuckSince = T0 }, TimeSpan.FromSeconds(40), ready: 1);

        Assert.Equal(T0.AddSeconds(40), decision.Progress.StepStartedAt);
        Assert.Equal(T0.AddSeconds(70), decision.Progress.NextAnalysisAt);
        Assert.Null(decision.Progress.StuckSince);
        Assert.Equal(10, decision.Weight);
        Assert.Equal(Interval, decision.RequeueAfter);
    }

    [Fact]
    public void A_healthy_canary_passes_every_step_and_is_promoted()
    {
        var (last, at, checks) = Run(_ => Pass, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30));

        Assert.Equal(CanaryAction.Promote, last.Action);
        Assert.Equal(100, last.Weight);
        // Step 1 starts at 0 s, its pause ends at 60 s with checks at 30 s and 60 s; step 2 starts at 60 s and its
        // pause ends at 180 s with four checks.
        Assert.Equal(TimeSpan.FromMinutes(3), at);
        Assert.Equal(6, checks);
        Assert.Equal(0, last.Progress.AnalysisFailures);
    }

    [Fact]
    public void Failed_checks_reaching_the_limit_roll_back_naming_the_metric()
    {
        var (last, at, checks) = Run(_ => Fail, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30));

        Assert.Equal(CanaryAction.RollBack, last.Action);
        Assert.Equal(RollbackCause.AnalysisFailed, last.Cause);
        Assert.Equal("error rate 0.2 exceeds limit 0.01", last.Message);
        Assert.Equal(2, checks);
        Assert.Equal(TimeSpan.FromSeconds(60), at); // interval × failureLimit after the pods were ready
        Assert.Equal(0, last.CanaryReplicas);
        Assert.Equal(0, last.Weight);
    }

    [Fact]
    public void One_failure_below_the_limit_is_remembered_but_does_not_roll_back()
    {
        var (last, _, _) = Run(n => n == 0 ? Fail : Pass, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30));

        Assert.Equal(CanaryAction.Promote, last.Action);
        Assert.Equal(1, last.Progress.AnalysisFailures);
    }

    [Fact]
    public void Inconclusive_checks_never_advance_and_hit_the_progress_deadline()
    {
        var (last, at, _) = Run(_ => Unsure, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30));

        Assert.Equal(CanaryAction.RollBack, last.Action);
        Assert.Equal(RollbackCause.ProgressDeadlineExceeded, last.Cause);
        Assert.Equal(0, last.Progress.Step);
        Assert.Equal(TimeSpan.FromSeconds(30) + TimeSpan.FromMinutes(10), at); // stuck since the first inconclusive check
        Assert.Contains("fewer than minRequests", last.Message);
    }

    [Fact]
    public void A_pass_resets_the_deadline_clock()
    {
        var (last, _, _) = Run(n => n % 10 == 9 ? Pass : Unsure, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(60));

        Assert.Equal(CanaryAction.Promote, last.Action);
    }

    [Fact]
    public void Pods_that_never_become_ready_roll_back_at_the_deadline()
    {
        var waiting = Plan(CanaryProgress.Start, TimeSpan.Zero, ready: 0).Progress;

        Assert.Equal(CanaryAction.Progress, Plan(waiting, TimeSpan.FromMinutes(9), ready: 0).Action);
        var last = Plan(waiting, TimeSpan.FromMinutes(10), ready: 0);

        Assert.Equal(CanaryAction.RollBack, last.Action);
        Assert.Equal(RollbackCause.ProgressDeadlineExceeded, last.Cause);
        Assert.Equal("0 of 1 canary pods ready after 10m", last.Message);
    }

    [Fact]
    public void A_paused_canary_holds_its_step_and_takes_no_check()
    {
        var running = Plan(CanaryProgress.Start, TimeSpan.Zero, ready: 1).Progress;

        var held = Plan(running, TimeSpan.FromMinutes(20), verdict: Fail, paused: true);

        Assert.Equal(CanaryAction.Progress, held.Action);
        Assert.Equal(running, held.Progress);
        Assert.Equal(10, held.Weight);
        Assert.Null(held.RequeueAfter);
        Assert.Equal("paused at step 1/2", held.Message);
    }

    [Fact]
    public void A_verdict_handed_in_before_the_check_is_due_is_ignored()
    {
        var running = Plan(CanaryProgress.Start, TimeSpan.Zero, ready: 1).Progress;

        var decision = Plan(running, TimeSpan.FromSeconds(10), verdict: Fail);

        Assert.Equal(0, decision.Progress.AnalysisFailures);
        Assert.Equal(TimeSpan.FromSeconds(20), decision.RequeueAfter);
    }

    [Fact]
    public void A_step_whose_pause_is_over_waits_for_a_passing_check()
    {
        var running = Plan(CanaryProgress.Start, TimeSpan.Zero, ready: 1).Progress;
        var unsure = Plan(running with { NextAnalysisAt = T0.AddMinutes(2) }, TimeSpan.FromMinutes(2), verdict: Unsure);

        Assert.Equal(0, unsure.Progress.Step);
        var passed = Plan(unsure.Progress, TimeSpan.FromMinutes(2.5), ready: 1, verdict: Pass);

        Assert.Equal(1, passed.Progress.Step);
        Assert.Null(passed.Progress.StepStartedAt); // the next step waits for its own pods first
        Assert.Equal(5, passed.CanaryReplicas); // 50 % of 10
        Assert.Equal(10, passed.Weight); // traffic stays at the previous step until they are ready
    }

    [Fact]
    public void A_restart_after_a_long_outage_takes_one_check_not_a_burst()
    {
        var running = Plan(CanaryProgress.Start, TimeSpan.Zero, ready: 1).Progress;

        var late = Plan(running, TimeSpan.FromMinutes(45), verdict: Fail);

        Assert.Equal(1, late.Progress.AnalysisFailures);
        Assert.Equal(T0.AddMinutes(45) + Interval, late.Progress.NextAnalysisAt);
    }

    [Fact]
    public void Progress_survives_a_round_trip_through_status_and_resumes_with_the_remaining_pause()
    {
        var running = Plan(CanaryProgress.Start, TimeSpan.Zero, ready: 1).Progress;
        var checkedOnce = Plan(running, TimeSpan.FromSeconds(30), verdict: Pass).Progress;
        var restored = checkedOnce with { }; // what the status writer and reader give back

        var afterRestart = Plan(restored, TimeSpan.FromSeconds(45));

        Assert.Equal(CanaryAction.Progress, afterRestart.Action);
        Assert.Equal(TimeSpan.FromSeconds(15), afterRestart.RequeueAfter); // the next check at 60 s, also the pause's end
        Assert.Equal(checkedOnce, afterRestart.Progress);
    }
}
