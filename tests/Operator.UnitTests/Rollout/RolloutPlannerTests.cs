using k8s.Models;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Rollout;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Rollout;

/// <summary>The per-pass rollout plan: weighted steps, promotion, rollback, action annotations, revisions on their way out.</summary>
public class RolloutPlannerTests
{
    private static readonly ModelDeploymentDefaults Defaults = ModelDeploymentDefaults.Default;
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AnalysisVerdict Pass = AnalysisVerdict.Passed("200 requests, error rate 0, p99 4 ms");
    private static readonly AnalysisVerdict Fail = AnalysisVerdict.Failed([new AnalysisFinding(AnalysisJudge.ErrorRateMetric, 0.2, 0.01)]);

    [Theory]
    [InlineData(4, 25, 1)]
    [InlineData(4, 50, 2)]
    [InlineData(5, 20, 1)]
    [InlineData(5, 30, 2)]
    [InlineData(10, 100, 10)]
    [InlineData(1, 10, 1)]
    public void A_step_runs_as_many_canary_pods_as_its_weight_of_the_stable(int replicas, int weight, int expected)
    {
        var md = Md("8", replicas, steps: [(weight, "1m")]);
        md.Status = Stable("7");

        var plan = RolloutPlanner.Plan(md, Observed(replicas, ("7", replicas, replicas)), Defaults, Now, null);

        Assert.Equal(expected, plan.Incoming!.Replicas);
        Assert.Equal(replicas, plan.Stable.Replicas);
        Assert.Equal("7", plan.Stable.Template.Model.Version);
        Assert.Equal(0, plan.Canary!.Weight); // no canary pod ready yet: no traffic counted
    }

    [Fact]
    public void The_step_starts_when_its_pods_are_ready_and_the_first_check_is_an_interval_later()
    {
        var md = Md("8", 4, steps: [(25, "1m"), (50, "1m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = new CanaryStatus { Revision = Hash("8"), Version = "8", Step = 0, InconclusiveSince = Now.AddSeconds(-20) };

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, null);

        Assert.Equal(Now, plan.Canary!.StepStartedAt);
        Assert.Equal(Now.AddSeconds(30), plan.Canary.NextAnalysisAt);
        Assert.Null(plan.Canary.InconclusiveSince);
        Assert.Equal(25, plan.Canary.Weight);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.RecheckAfter);
    }

    [Fact]
    public void A_step_waits_until_the_operators_pod_cache_sees_the_pods_ready_too()
    {
        var md = Md("8", 4, steps: [(25, "1m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = new CanaryStatus { Revision = Hash("8"), Version = "8", Step = 0, InconclusiveSince = Now.AddSeconds(-5) };
        var observed = Observed(4, ("7", 4, 4), ("8", 1, 1)); // the Deployment says its pod is Ready

        var waiting = RolloutPlanner.Plan(md, observed, Defaults, Now, null, _ => 0);
        var started = RolloutPlanner.Plan(md, observed, Defaults, Now, null, _ => 1);

        Assert.Null(waiting.Canary!.StepStartedAt); // its first scrape would miss the pod: not yet
        Assert.Equal(Now, started.Canary!.StepStartedAt);
    }

    [Fact]
    public void A_passed_last_step_scales_the_canary_to_the_stables_size_before_it_is_promoted()
    {
        var md = Md("8", 4, steps: [(50, "1m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(1), due: true);

        var scaling = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 2, 2)), Defaults, Now, Pass);

        Assert.False(scaling.Promoted);
        Assert.Equal(4, scaling.Incoming!.Replicas);
        Assert.True(scaling.Canary!.Promoting);
        Assert.Equal("7", scaling.Stable.Template.Model.Version);

        md.Status.Canary = scaling.Canary;
        var promoted = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 4, 4)), Defaults, Now.AddSeconds(5), null);

        Assert.True(promoted.Promoted);
        Assert.Equal("8", promoted.Stable.Template.Model.Version);
        Assert.Null(promoted.Incoming);
        var retiring = Assert.Single(promoted.Retiring);
        Assert.Equal(("7", 0), (retiring.Template.Model.Version, retiring.Replicas));
        Assert.Null(promoted.HandOverReplicas); // fixed replicas: the spec's count, nothing to hand over
    }

    [Fact]
    public void With_an_hpa_promotion_hands_the_stables_current_count_to_the_new_stable()
    {
        var md = Md("8", null, steps: [(50, "1m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = new CanaryStatus { Revision = Hash("8"), Version = "8", Promoting = true };

        // The HPA had scaled the stable to 5; the canary was grown to 5 before the switch.
        var plan = RolloutPlanner.Plan(md, Observed(null, ("7", 5, 5), ("8", 5, 5)), Defaults, Now, null);

        Assert.True(plan.Promoted);
        Assert.Null(plan.Stable.Replicas); // the HPA's from here on
        Assert.Equal(5, plan.HandOverReplicas);
    }

    [Fact]
    public void Failed_checks_reaching_the_failure_limit_roll_back_naming_metric_value_and_limit()
    {
        var md = Md("8", 4, steps: [(25, "5m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(2), due: true, failures: 1);

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, Fail);

        Assert.Null(plan.Incoming);
        Assert.Equal("7", plan.Stable.Template.Model.Version);
        Assert.Equal(RollbackCause.AnalysisFailed, plan.RolledBack!.Cause);
        Assert.Equal(Hash("8"), plan.RolledBack.Revision);
        Assert.Contains("error rate 0.2 exceeds limit 0.01", plan.RolledBack.Message);
        Assert.StartsWith("canary 8 rolled back to 7", plan.RolledBack.Message);
        Assert.Equal(("8", 0), (Assert.Single(plan.Retiring).Template.Model.Version, Assert.Single(plan.Retiring).Replicas));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Pause")]
    public void A_canary_inconclusive_past_its_deadline_is_rolled_back_or_held_as_the_spec_says(string? action)
    {
        var md = Md("8", 4, steps: [(25, "5m")], analysis: true);
        md.Spec.Rollout!.ProgressDeadline = "2m";
        md.Spec.Rollout.ProgressDeadlineAction = action;
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(3), due: true);
        md.Status.Canary.InconclusiveSince = Now.AddMinutes(-2);

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, AnalysisVerdict.Inconclusive("canary served 0 requests"));

        if (action is null)
        {
            Assert.Equal(RollbackCause.ProgressDeadlineExceeded, plan.RolledBack!.Cause);
            Assert.Null(plan.Incoming);
        }
        else
        {
            Assert.Null(plan.RolledBack);
            Assert.Equal(1, plan.Incoming!.Replicas); // held where it is
            Assert.StartsWith("canary 8 held past its progress deadline: no conclusive analysis for 2m", plan.Held);
            var status = MlOperator.Operator.Controllers.ModelDeployment.ModelDeploymentStatusBuilder.Applied(
                md, DesiredStateBuilder.Build(md, plan.Plans, Defaults), Observed(4, ("7", 4, 4), ("8", 1, 1)), Now, plan);
            Assert.Contains(status.Conditions!, c => c.Type == ModelDeploymentConditions.Stalled && c.Status == "True" && c.Reason == ModelDeploymentConditions.ReasonProgressDeadlineExceeded);
            Assert.DoesNotContain(status.Conditions!, c => c.Type == ModelDeploymentConditions.Degraded && c.Status == "True");
        }
    }

    [Fact]
    public void One_failed_check_below_the_limit_is_counted_and_the_canary_stays()
    {
        var md = Md("8", 4, steps: [(25, "5m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(2), due: true);

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, Fail);

        Assert.Null(plan.RolledBack);
        Assert.Equal(1, plan.Canary!.AnalysisFailures);
        Assert.Equal(Now.AddSeconds(30), plan.Canary.NextAnalysisAt);
    }

    [Fact]
    public void A_check_not_yet_due_is_not_counted_even_when_a_verdict_is_handed_in()
    {
        var md = Md("8", 4, steps: [(25, "5m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(2), due: false);

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, Fail);

        Assert.Equal(0, plan.Canary!.AnalysisFailures);
        Assert.Null(RolloutPlanner.DueAnalysis(md, Defaults, Now));
    }

    [Fact]
    public void A_check_is_due_only_for_the_specs_canary_with_analysis_and_not_while_paused()
    {
        var md = Md("8", 4, steps: [(25, "5m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(2), due: true);

        Assert.Equal(new RolloutPlanner.AnalysisTarget(Hash("8"), Hash("7"), AnalysisLimits.From(md.Spec.Rollout!.Analysis)), RolloutPlanner.DueAnalysis(md, Defaults, Now));

        md.Metadata.Annotations = new Dictionary<string, string> { [RolloutRequests.PauseAnnotation] = "true" };
        Assert.Null(RolloutPlanner.DueAnalysis(md, Defaults, Now));

        md.Metadata.Annotations = null;
        md.Spec.Rollout!.Analysis = null;
        Assert.Null(RolloutPlanner.DueAnalysis(md, Defaults, Now));
    }

    [Fact]
    public void Without_analysis_a_step_passes_on_time_alone()
    {
        var md = Md("8", 4, steps: [(25, "1m"), (50, "1m")]);
        md.Status = Stable("7");
        md.Status.Canary = new CanaryStatus { Revision = Hash("8"), Version = "8", Step = 0, StepStartedAt = Now.AddMinutes(-1), StepPassed = true };

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, null);

        Assert.Equal(1, plan.Canary!.Step);
        Assert.Equal(2, plan.Incoming!.Replicas);
        Assert.Null(plan.Canary.StepStartedAt); // the second step waits for its second pod
        Assert.Contains(plan.Notices, n => n.Reason == ModelDeploymentConditions.ReasonCanaryStep);
    }

    [Fact]
    public void Pause_holds_the_canary_at_its_step_past_its_pause()
    {
        var md = Md("8", 4, steps: [(25, "1m"), (50, "1m")]);
        md.Metadata.Annotations = new Dictionary<string, string> { [RolloutRequests.PauseAnnotation] = "true" };
        md.Status = Stable("7");
        md.Status.Canary = new CanaryStatus { Revision = Hash("8"), Version = "8", Step = 0, StepStartedAt = Now.AddMinutes(-5), StepPassed = true };

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, null);

        Assert.Equal(0, plan.Canary!.Step);
        Assert.True(plan.Canary.Paused);
        Assert.Equal(1, plan.Incoming!.Replicas);
    }

    [Fact]
    public void A_new_promote_token_skips_the_remaining_steps_and_is_recorded()
    {
        var md = Md("8", 4, steps: [(25, "1h"), (50, "1h")], analysis: true);
        md.Metadata.Annotations = new Dictionary<string, string> { [RolloutRequests.PromoteAnnotation] = "1700000000" };
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(1), due: false);

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, null);

        Assert.True(plan.Canary!.Promoting);
        Assert.Equal(4, plan.Incoming!.Replicas);
        Assert.Equal("1700000000", plan.HandledActions!.Promote);

        // The same token again acts no more.
        md.Status.HandledActions = plan.HandledActions;
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(1), due: false);
        var again = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, null);
        Assert.Null(again.Canary!.Promoting);
        Assert.Equal(1, again.Incoming!.Replicas);
    }

    [Fact]
    public void Abort_rolls_back_and_retry_brings_the_failed_revision_up_again()
    {
        var md = Md("8", 4, steps: [(25, "1h")], analysis: true);
        md.Metadata.Annotations = new Dictionary<string, string> { [RolloutRequests.AbortAnnotation] = "a1" };
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 0, startedAgo: TimeSpan.FromMinutes(1), due: false);

        var aborted = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 1, 1)), Defaults, Now, null);
        Assert.Equal(RollbackCause.Aborted, aborted.RolledBack!.Cause);
        Assert.Contains("aborted by annotation serving.mloperator.io/abort=a1", aborted.RolledBack.Message);

        // After the rollback: kept down while the spec maps to it…
        md.Status = Stable("7");
        md.Status.FailedRevision = Hash("8");
        md.Status.HandledActions = aborted.HandledActions;
        var kept = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4)), Defaults, Now, null);
        Assert.Null(kept.Incoming);
        Assert.Equal(Hash("8"), kept.Failed!.Revision);

        // …until a retry token arrives.
        md.Metadata.Annotations[RolloutRequests.RetryAnnotation] = "r1";
        var retried = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4)), Defaults, Now, null);
        Assert.Equal("8", retried.Incoming!.Template.Model.Version);
        Assert.Equal(1, retried.Incoming.Replicas);
        Assert.Null(retried.Failed);
        Assert.Equal("r1", retried.HandledActions!.Retry);
    }

    [Fact]
    public void A_token_present_while_nothing_is_in_progress_is_recorded_and_never_acts_later()
    {
        var md = Md("7", 4, steps: [(25, "1h")]);
        md.Metadata.Annotations = new Dictionary<string, string> { [RolloutRequests.PromoteAnnotation] = "old" };
        md.Status = Stable("7");

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4)), Defaults, Now, null);

        Assert.Equal("old", plan.HandledActions!.Promote);
        Assert.Contains(plan.Notices, n => n.Message.Contains("no canary is in progress", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_pause_value_is_ignored_with_a_warning()
    {
        var md = Md("8", 4, steps: [(25, "1h")]);
        md.Metadata.Annotations = new Dictionary<string, string> { [RolloutRequests.PauseAnnotation] = "yes please" };
        md.Status = Stable("7");

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4)), Defaults, Now, null);

        Assert.Null(plan.Canary!.Paused);
        var notice = Assert.Single(plan.Notices);
        Assert.True(notice.Warning);
        Assert.Equal(ModelDeploymentConditions.ReasonIgnoredAnnotation, notice.Reason);
    }

    [Fact]
    public void A_spec_change_mid_canary_supersedes_it_from_step_zero_and_the_old_canary_retires()
    {
        var md = Md("9", 4, steps: [(25, "1m"), (50, "1m")], analysis: true);
        md.Status = Stable("7");
        md.Status.Canary = Started("8", step: 1, startedAgo: TimeSpan.FromMinutes(1), due: true, failures: 1);

        var plan = RolloutPlanner.Plan(md, Observed(4, ("7", 4, 4), ("8", 2, 2)), Defaults, Now, null);

        Assert.Equal("9", plan.Incoming!.Template.Model.Version);
        Assert.Equal((0, 0), (plan.Canary!.Step!.Value, plan.Canary.AnalysisFailures!.Value));
        Assert.Equal(("8", 0), (Assert.Single(plan.Retiring).Template.Model.Version, Assert.Single(plan.Retiring).Replicas));
    }

    [Fact]
    public void A_retired_deployment_with_no_pods_left_is_not_kept()
    {
        var md = Md("7", 4, steps: [(25, "1m")]);
        md.Status = Stable("7");
        var drained = Live("8", 0, 0);
        drained.Spec!.Replicas = 0;

        var plan = RolloutPlanner.Plan(md, new ObservedState([Live("7", 4, 4), drained]), Defaults, Now, null);

        Assert.Empty(plan.Retiring);
        Assert.Single(plan.Plans);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(50)]
    public void Canary_pods_cover_the_weight_for_every_weight_and_stable_size(int replicas)
    {
        for (var weight = 1; weight <= 100; weight++)
        {
            var pods = CanaryReplicas.ForWeight(weight, replicas);
            Assert.InRange(pods, 1, Math.Max(1, replicas));
            Assert.True(pods * 100 >= weight * replicas, $"{pods} pods for {weight}% of {replicas}");
            Assert.True(pods == 1 || (pods - 1) * 100 < weight * replicas, $"{pods} pods is more than needed for {weight}% of {replicas}");
        }
    }

    private static ModelDeployment Md(string version, int? replicas, (int Weight, string Pause)[] steps, bool analysis = false) => ModelDeploymentFixtures.Valid(s =>
    {
        s.Model.Version = version;
        s.Model.Uri = $"pvc://model-store/fraud/{version}/model.onnx";
        s.Replicas = replicas;
        if (replicas is null)
        {
            s.Autoscaling = new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 10 };
        }

        s.Rollout = new RolloutSpec
        {
            Strategy = RolloutSpec.Canary,
            Steps = [.. steps.Select(x => new RolloutStep { Weight = x.Weight, Pause = x.Pause })],
            Analysis = analysis ? new AnalysisSpec { Interval = "30s", FailureLimit = 2, MinRequests = 20, MaxErrorRate = 0.01 } : null,
        };
    });

    private static string Hash(string version) => DesiredStateBuilder.StablePlan(Md(version, 4, []), Defaults).Hash;

    private static ModelDeploymentStatus Stable(string version) => new() { StableRevision = Hash(version), StableVersion = version };

    private static CanaryStatus Started(string version, int step, TimeSpan startedAgo, bool due, int failures = 0) => new()
    {
        Revision = Hash(version),
        Version = version,
        Step = step,
        StepStartedAt = Now - startedAgo,
        NextAnalysisAt = due ? Now : Now.AddSeconds(10),
        AnalysisFailures = failures,
    };

    private static ObservedState Observed(int? replicas, params (string Version, int Replicas, int Ready)[] live) =>
        new([.. live.Select(l => Live(l.Version, l.Replicas, l.Ready))]);

    /// <summary>The Deployment the operator built for that version, caught up, with this many replicas and ready pods.</summary>
    private static V1Deployment Live(string version, int replicas, int ready)
    {
        var deployment = KubeJson.DeepCopy(DesiredStateBuilder.Build(Md(version, 4, []), ObservedState.Empty, Defaults).StableDeployment);
        deployment.Metadata.Uid = "uid-" + version;
        deployment.Metadata.Generation = 1;
        deployment.Spec!.Replicas = replicas;
        deployment.Status = new V1DeploymentStatus
        {
            ObservedGeneration = 1,
            Replicas = replicas,
            UpdatedReplicas = replicas,
            ReadyReplicas = ready,
            AvailableReplicas = ready,
        };
        return deployment;
    }
}
