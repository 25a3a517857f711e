using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Rollout;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Rollout;

public class RevisionLifecycleTests
{
    private static readonly ModelDeploymentDefaults Defaults = ModelDeploymentDefaults.Default;
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// status.stableRevision (as a model version, "" for none), the spec's version, the live Deployments as
    /// "version:available" (2 replicas wanted), the strategy → the stable, the incoming revision and whether this pass promotes.
    /// </summary>
    [Theory]
    [InlineData("", "7", "", "Canary", "7", "", false)] // first deployment: straight to stable
    [InlineData("", "7", "7:0", "Canary", "7", "", false)] // first deployment still coming up
    [InlineData("7", "7", "7:2", "Canary", "7", "", false)] // in sync
    [InlineData("7", "8", "7:2", "Canary", "7", "8", false)] // new version: beside the stable
    [InlineData("7", "8", "7:2,8:0", "Canary", "7", "8", false)] // none of its pods available yet
    [InlineData("7", "8", "7:2,8:1", "Canary", "7", "8", false)] // one of two available: not yet
    [InlineData("7", "8", "7:2,8:2", "Canary", "8", "", true)] // all available: promoted, the old one goes
    [InlineData("7", "8", "7:0,8:0", "Canary", "7", "8", false)] // an unready stable is still the stable
    [InlineData("7", "9", "7:2,8:1", "Canary", "7", "9", false)] // a further change supersedes 8
    [InlineData("7", "9", "7:2,8:2", "Canary", "7", "9", false)] // even a finished 8: the spec moved on
    [InlineData("7", "7", "7:2,8:1", "Canary", "7", "", false)] // spec back to the stable: the incoming goes
    [InlineData("7", "8", "7:2", "Recreate", "8", "", true)] // Recreate: replaced at once
    [InlineData("7", "8", "", "Canary", "8", "", false)] // the stable's Deployment is gone: nothing to keep serving
    [InlineData("7", "8", "8:0", "Canary", "8", "", false)]
    public void Decides_which_revisions_run(string statusStable, string specVersion, string live, string strategy,
        string expectedStable, string expectedIncoming, bool expectedPromoted)
    {
        var md = Md(specVersion, strategy);
        md.Status = statusStable == "" ? null : new ModelDeploymentStatus { StableRevision = Plan(statusStable).Hash, StableVersion = statusStable };
        var observed = new ObservedState([.. live.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Live)]);

        var decision = RevisionLifecycle.Decide(md, observed, Defaults, Now);

        Assert.Equal(expectedStable, decision.Stable.Template.Model.Version);
        Assert.Equal(Plan(expectedStable).Hash, decision.Stable.Hash);
        Assert.Equal(RevisionRole.Stable, decision.Stable.Role);
        Assert.Equal(expectedIncoming, decision.Incoming?.Template.Model.Version ?? "");
        Assert.Equal(expectedPromoted, decision.Promoted);
        if (decision.Incoming is { } incoming)
        {
            Assert.Equal(RevisionRole.Canary, incoming.Role);
            Assert.Equal(2, incoming.Replicas);
        }
    }

    [Fact]
    public void The_stable_deployment_is_rebuilt_exactly_as_it_runs_so_the_overlap_leaves_it_unchanged()
    {
        var stable = Live("7:2");
        var md = Md("8", "Canary");
        md.Status = new ModelDeploymentStatus { StableRevision = Plan("7").Hash };

        var desired = DesiredStateBuilder.Build(md, RevisionLifecycle.Decide(md, new ObservedState([stable]), Defaults, Now).Plans, Defaults);

        Assert.Equal(2, desired.Deployments.Count);
        Assert.True(LiveState.Covers(stable, desired.StableDeployment));
    }

    [Fact]
    public void With_autoscaling_the_incoming_revision_matches_the_stables_current_size_and_the_hpa_keeps_the_stable()
    {
        var stable = Live("7:4");
        stable.Spec!.Replicas = 4;
        var md = Md("8", "Canary", autoscaling: true);
        md.Status = new ModelDeploymentStatus { StableRevision = Plan("7").Hash };

        var decision = RevisionLifecycle.Decide(md, new ObservedState([stable]), Defaults, Now);
        var desired = DesiredStateBuilder.Build(md, decision.Plans, Defaults);

        Assert.Null(decision.Stable.Replicas);
        Assert.Equal(4, decision.Incoming!.Replicas);
        Assert.Equal(stable.Metadata.Name, desired.HorizontalPodAutoscaler!.Spec.ScaleTargetRef.Name);
    }

    [Fact]
    public void A_stable_deployment_without_a_readable_template_is_replaced_by_the_spec()
    {
        var stable = Live("7:2");
        stable.Metadata.Annotations![ModelDeploymentLabels.TemplateAnnotation] = "{not json";
        var md = Md("8", "Canary");
        md.Status = new ModelDeploymentStatus { StableRevision = Plan("7").Hash };

        var decision = RevisionLifecycle.Decide(md, new ObservedState([stable]), Defaults, Now);

        Assert.Equal("8", decision.Stable.Template.Model.Version);
        Assert.Null(decision.Incoming);
    }

    [Fact]
    public void An_incoming_deployment_not_yet_observed_at_its_latest_generation_is_not_promoted()
    {
        var incoming = Live("8:2");
        incoming.Metadata.Generation = 3;
        incoming.Status!.ObservedGeneration = 2;
        var md = Md("8", "Canary");
        md.Status = new ModelDeploymentStatus { StableRevision = Plan("7").Hash };

        var decision = RevisionLifecycle.Decide(md, new ObservedState([Live("7:2"), incoming]), Defaults, Now);

        Assert.Equal("7", decision.Stable.Template.Model.Version);
        Assert.False(decision.Promoted);
    }

    /// <summary>
    /// Version 8 coming up beside stable 7 (progressDeadline 10m): status.canary (its revision, or another's), when
    /// it started (minutes before now; blank for a first pass), its available pods of 2 → kept coming up with the time
    /// left, rolled back, or promoted.
    /// </summary>
    [Theory]
    [InlineData("8", "", 0, "Canary", "", null)] // first pass: starts now, the whole deadline left
    [InlineData("8", "3", 0, "Canary", "", 7.0)] // before the deadline: waits the rest
    [InlineData("8", "9.5", 1, "Canary", "", 0.5)] // restart: the start comes from status, so only the remainder is left
    [InlineData("8", "10", 0, "Canary", "ProgressDeadlineExceeded", null)] // at the deadline: rolled back
    [InlineData("8", "30", 1, "Canary", "ProgressDeadlineExceeded", null)] // long past it (operator was down): rolled back
    [InlineData("8", "30", 2, "Canary", "Promoted", null)] // complete, however late: promoted
    [InlineData("9", "30", 0, "Canary", "", null)] // the start of another revision does not count for this one
    [InlineData("8", "30", 0, "Recreate", "Recreate", null)] // Recreate has no overlap and no deadline
    public void Bounds_how_long_an_incoming_revision_may_take(string canaryRevisionVersion, string startedMinutesAgo, int available,
        string strategy, string expected, double? expectedMinutesLeft)
    {
        var md = Md("8", strategy);
        md.Status = new ModelDeploymentStatus
        {
            StableRevision = Plan("7").Hash,
            Canary = startedMinutesAgo == "" ? null : new CanaryStatus
            {
                Revision = Plan(canaryRevisionVersion).Hash,
                StepStartedAt = Now.AddMinutes(-double.Parse(startedMinutesAgo, System.Globalization.CultureInfo.InvariantCulture)),
            },
        };

        var decision = RevisionLifecycle.Decide(md, new ObservedState([Live("7:2"), Live("8:" + available)]), Defaults, Now);

        switch (expected)
        {
            case "":
                Assert.Equal("7", decision.Stable.Template.Model.Version);
                Assert.Equal("8", decision.Incoming?.Template.Model.Version);
                Assert.Null(decision.Failed);
                Assert.Equal(TimeSpan.FromMinutes(expectedMinutesLeft ?? 10), decision.RecheckAfter);
                Assert.Equal(expectedMinutesLeft is null ? Now : Now.AddMinutes(expectedMinutesLeft.Value - 10), decision.IncomingSince);
                break;
            case "ProgressDeadlineExceeded":
                Assert.Equal("7", decision.Stable.Template.Model.Version);
                Assert.Null(decision.Incoming);
                Assert.False(decision.Promoted);
                Assert.Equal(new ProgressDeadlineFailure(Plan("8").Hash, "8", TimeSpan.FromMinutes(10), available, 2), decision.Failed);
                Assert.Null(decision.RecheckAfter);
                break;
            default: // Promoted, Recreate
                Assert.Equal("8", decision.Stable.Template.Model.Version);
                Assert.Null(decision.Incoming);
                Assert.True(decision.Promoted);
                Assert.Null(decision.Failed);
                break;
        }
    }

    [Fact]
    public void The_progress_deadline_comes_from_the_spec()
    {
        var md = Md("8", "Canary");
        md.Spec.Rollout!.ProgressDeadline = "2s";
        md.Status = new ModelDeploymentStatus { StableRevision = Plan("7").Hash, Canary = new CanaryStatus { Revision = Plan("8").Hash, StepStartedAt = Now.AddSeconds(-2) } };

        var decision = RevisionLifecycle.Decide(md, new ObservedState([Live("7:2"), Live("8:0")]), Defaults, Now);

        Assert.Equal(TimeSpan.FromSeconds(2), decision.Failed?.Deadline);
    }

    [Fact]
    public void A_failed_revision_is_not_brought_up_again_while_the_spec_still_maps_to_it()
    {
        var md = Md("8", "Canary");
        md.Status = new ModelDeploymentStatus { StableRevision = Plan("7").Hash, FailedRevision = Plan("8").Hash };

        var decision = RevisionLifecycle.Decide(md, new ObservedState([Live("7:2")]), Defaults, Now.AddDays(1));

        Assert.Equal("7", decision.Stable.Template.Model.Version);
        Assert.Null(decision.Incoming);
        Assert.Equal(Plan("8").Hash, decision.Failed?.Revision);
        Assert.Null(decision.Failed?.Available); // the message written at the rollback stands
        Assert.Null(decision.RecheckAfter);
    }

    [Fact]
    public void A_new_spec_after_a_failed_revision_comes_up_normally_with_a_fresh_deadline()
    {
        var md = Md("9", "Canary");
        md.Status = new ModelDeploymentStatus { StableRevision = Plan("7").Hash, FailedRevision = Plan("8").Hash };

        var decision = RevisionLifecycle.Decide(md, new ObservedState([Live("7:2")]), Defaults, Now);

        Assert.Equal("7", decision.Stable.Template.Model.Version);
        Assert.Equal("9", decision.Incoming?.Template.Model.Version);
        Assert.Null(decision.Failed);
        Assert.Equal(TimeSpan.FromMinutes(10), decision.RecheckAfter);
    }

    [Fact]
    public void Going_back_to_the_stable_after_a_failed_revision_clears_the_failure()
    {
        var md = Md("7", "Canary");
        md.Status = new ModelDeploymentStatus { StableRevision = Plan("7").Hash, FailedRevision = Plan("8").Hash };

        var decision = RevisionLifecycle.Decide(md, new ObservedState([Live("7:2")]), Defaults, Now);

        Assert.Null(decision.Incoming);
        Assert.Null(decision.Failed);
    }

    private static ModelDeployment Md(string version, string strategy, bool autoscaling = false) => ModelDeploymentFixtures.Valid(s =>
    {
        s.Model.Version = version;
        s.Rollout = new RolloutSpec { Strategy = strategy };
        if (autoscaling)
        {
            s.Replicas = null;
            s.Autoscaling = new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 6 };
        }
    });

    private static RevisionPlan Plan(string version) => DesiredStateBuilder.StablePlan(Md(version, "Canary"), Defaults);

    /// <summary>"version:available": the Deployment the operator built for that version, 2 replicas wanted, caught up, this many available.</summary>
    private static V1Deployment Live(string spec)
    {
        var parts = spec.Split(':');
        var available = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var deployment = KubeJson.DeepCopy(DesiredStateBuilder.Build(Md(parts[0], "Canary"), ObservedState.Empty, Defaults).StableDeployment);
        deployment.Metadata.Uid = "uid-" + parts[0];
        deployment.Metadata.Generation = 1;
        deployment.Status = new V1DeploymentStatus
        {
            ObservedGeneration = 1,
            Replicas = 2,
            UpdatedReplicas = 2,
            ReadyReplicas = available,
            AvailableReplicas = available,
        };
        return deployment;
    }
}
