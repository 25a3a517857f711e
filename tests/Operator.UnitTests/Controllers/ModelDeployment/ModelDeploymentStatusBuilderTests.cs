using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers.ModelDeployment;
using k8s.Models;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Quota;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Rollout;
using MlOperator.Operator.UnitTests.Fixtures;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;

namespace MlOperator.Operator.UnitTests.Controllers.ModelDeployment;

public class ModelDeploymentStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Ready_only_when_the_stable_deployment_has_caught_up_and_all_replicas_are_available()
    {
        var md = ModelDeploymentFixtures.Valid();
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);

        var status = ModelDeploymentStatusBuilder.Applied(md, desired, Observed(desired, generation: 1, observedGeneration: 1, updated: 2, available: 2), Now);

        Assert.Equal(ModelDeploymentPhase.Ready, status.Phase);
        Assert.Equal(True, Get(status, Ready).Status);
        Assert.Equal(False, Get(status, Progressing).Status);
        Assert.Equal(1, status.ObservedGeneration);
        Assert.Equal(desired.Selector, status.Selector);
        Assert.Equal(2, status.Replicas);
    }

    [Theory]
    [InlineData(2, 1, 2, 2)] // deployment controller has not seen the latest spec
    [InlineData(1, 1, 1, 2)] // not every replica updated
    [InlineData(1, 1, 2, 1)] // not every replica available
    public void Not_ready_while_the_stable_deployment_is_behind(long generation, long observedGeneration, int updated, int available)
    {
        var md = ModelDeploymentFixtures.Valid();
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);

        var status = ModelDeploymentStatusBuilder.Applied(md, desired, Observed(desired, generation, observedGeneration, updated, available), Now);

        Assert.Equal(ModelDeploymentPhase.Progressing, status.Phase);
        Assert.Equal(False, Get(status, Ready).Status);
        Assert.Equal(ReasonReplicasNotReady, Get(status, Ready).Reason);
        Assert.Equal(True, Get(status, Progressing).Status);
    }

    [Fact]
    public void An_unchanged_pass_yields_an_identical_status_so_nothing_is_written()
    {
        var md = ModelDeploymentFixtures.Valid();
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);
        var observed = Observed(desired, 1, 1, 2, 2);
        md.Status = ModelDeploymentStatusBuilder.Applied(md, desired, observed, Now);

        var again = ModelDeploymentStatusBuilder.Applied(md, desired, observed, Now.AddMinutes(5));

        Assert.Equal(KubeJson.Serialize(md.Status), KubeJson.Serialize(again));
    }

    [Fact]
    public void Invalid_spec_sets_ready_false_with_reason_and_message_naming_the_field()
    {
        var md = ModelDeploymentFixtures.Valid(s => s.Autoscaling = new AutoscalingSpec { MinReplicas = 5, MaxReplicas = 2 });
        var violations = ModelDeploymentValidator.Validate(md);

        var status = ModelDeploymentStatusBuilder.Invalid(md, violations, Now);

        Assert.Equal(ModelDeploymentPhase.Failed, status.Phase);
        var ready = Get(status, Ready);
        Assert.Equal(False, ready.Status);
        Assert.Equal(ReasonInvalidSpec, ready.Reason);
        Assert.Contains("maxReplicas", ready.Message);
    }

    [Fact]
    public void Quota_blocked_names_the_resource_and_numbers_and_stays_pending_before_any_pod_exists()
    {
        var md = ModelDeploymentFixtures.Valid();
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);
        var check = new QuotaCheck([new QuotaShortfall("gpu-quota", "requests.nvidia.com/gpu", 2, 1, 4, 3)], [], []);

        var status = ModelDeploymentStatusBuilder.QuotaBlocked(md, desired, ObservedState.Empty, check, Now);

        Assert.Equal(ModelDeploymentPhase.Pending, status.Phase);
        var quota = Get(status, QuotaExceeded);
        Assert.Equal(True, quota.Status);
        Assert.Contains("requests.nvidia.com/gpu", quota.Message);
        Assert.Contains("gpu-quota", quota.Message);
        Assert.Equal(False, Get(status, Ready).Status);
    }

    [Fact]
    public void Condition_transition_time_moves_only_when_the_status_flips()
    {
        var md = ModelDeploymentFixtures.Valid();
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);
        md.Status = ModelDeploymentStatusBuilder.Applied(md, desired, Observed(desired, 1, 1, 1, 1), Now);

        var later = ModelDeploymentStatusBuilder.Applied(md, desired, Observed(desired, 1, 1, 2, 2), Now.AddMinutes(1));

        Assert.Equal(Now.AddMinutes(1), Get(later, Ready).LastTransitionTime);
        Assert.Equal(Now, Get(later, Degraded).LastTransitionTime);
    }

    [Fact]
    public void While_a_new_revision_comes_up_the_status_names_it_as_canary_and_keeps_the_stable_version()
    {
        var stableMd = ModelDeploymentFixtures.Valid();
        var md = ModelDeploymentFixtures.Valid(s => s.Model.Version = "8");
        var stablePlan = DesiredStateBuilder.StablePlan(stableMd, ModelDeploymentDefaults.Default);
        var incomingPlan = new RevisionPlan(RevisionTemplate.From(md.Spec), RevisionRole.Canary, 2);
        var desired = DesiredStateBuilder.Build(md, [stablePlan, incomingPlan], ModelDeploymentDefaults.Default);
        var stable = Observed(desired, 1, 1, 2, 2).Deployments[0];
        var incoming = KubeJson.DeepCopy(desired.Deployments[1]);
        incoming.Metadata.Generation = 1;
        incoming.Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 2, UpdatedReplicas = 2, ReadyReplicas = 1, AvailableReplicas = 1 };

        var status = ModelDeploymentStatusBuilder.Applied(md, desired, new ObservedState([stable, incoming]), Now);

        Assert.Equal("7", status.StableVersion);
        Assert.Equal(stablePlan.Hash, status.StableRevision);
        Assert.Equal(ModelDeploymentPhase.Progressing, status.Phase);
        Assert.Equal(True, Get(status, Ready).Status);
        Assert.Equal((True, ReasonNewRevision), (Get(status, Progressing).Status, Get(status, Progressing).Reason));
        Assert.Contains("1 of 2 replicas available", Get(status, Progressing).Message);
        Assert.Equal("8", status.Canary!.Version);
        Assert.Equal(incomingPlan.Hash, status.Canary.Revision);
        Assert.Equal(33, status.Canary.Weight); // 1 ready canary pod of 3 ready pods
    }

    [Fact]
    public void Once_no_revision_is_coming_up_the_canary_is_cleared()
    {
        var md = ModelDeploymentFixtures.Valid();
        md.Status = new ModelDeploymentStatus { Canary = new CanaryStatus { Version = "6", Revision = "abc", Weight = 50 } };
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);

        var status = ModelDeploymentStatusBuilder.Applied(md, desired, Observed(desired, 1, 1, 2, 2), Now);

        Assert.Null(status.Canary);
        Assert.Equal(ModelDeploymentPhase.Ready, status.Phase);
    }

    [Fact]
    public void The_incoming_revisions_start_is_kept_in_status_so_a_restart_keeps_counting_from_it()
    {
        var (md, desired, observed) = Overlap();
        var decision = new RevisionDecision(desired.Stable, desired.Revisions[1], Promoted: false) { IncomingSince = Now.AddMinutes(-3) };

        var status = ModelDeploymentStatusBuilder.Applied(md, desired, observed, Now, decision);

        Assert.Equal(Now.AddMinutes(-3), status.Canary!.StepStartedAt);
        Assert.DoesNotContain(status.Conditions!, c => c.Type == Stalled);
    }

    [Fact]
    public void A_revision_past_its_progress_deadline_makes_the_deployment_degraded_and_stalled_with_the_stable_still_ready()
    {
        var (md, _, observed) = Overlap();
        md.Status = new ModelDeploymentStatus { Canary = new CanaryStatus { Version = "8", Revision = "abc", Weight = 0, StepStartedAt = Now.AddMinutes(-10) } };
        var stablePlan = DesiredStateBuilder.StablePlan(ModelDeploymentFixtures.Valid(), ModelDeploymentDefaults.Default);
        var desired = DesiredStateBuilder.Build(md, [stablePlan], ModelDeploymentDefaults.Default);
        var decision = new RevisionDecision(stablePlan, null, Promoted: false)
        {
            Failed = new ProgressDeadlineFailure("abc", "8", TimeSpan.FromMinutes(10), 0, 2),
        };

        var status = ModelDeploymentStatusBuilder.Applied(md, desired, new ObservedState([observed.Deployments[0]]), Now, decision);

        const string message = "model version 8 (revision abc) had 0 of 2 pods available after 10m; version 7 keeps serving";
        Assert.Equal(ModelDeploymentPhase.Degraded, status.Phase);
        Assert.Null(status.Canary);
        Assert.Equal("abc", status.FailedRevision);
        Assert.Equal("7", status.StableVersion);
        Assert.Equal(True, Get(status, Ready).Status);
        Assert.Equal((True, ReasonProgressDeadlineExceeded, message), (Get(status, Degraded).Status, Get(status, Degraded).Reason, Get(status, Degraded).Message));
        Assert.Equal((True, ReasonProgressDeadlineExceeded, message), (Get(status, Stalled).Status, Get(status, Stalled).Reason, Get(status, Stalled).Message));
        Assert.Equal(False, Get(status, Progressing).Status);

        // Later passes, the failed Deployment gone: the message written at the rollback stands and nothing changes.
        md.Status = status;
        var later = ModelDeploymentStatusBuilder.Applied(md, desired, new ObservedState([observed.Deployments[0]]), Now.AddHours(1),
            decision with { Failed = new ProgressDeadlineFailure("abc", "8", TimeSpan.FromMinutes(10), null, null) });
        Assert.Equal(KubeJson.Serialize(status), KubeJson.Serialize(later));

        // The spec moves on: the failure is forgotten and Degraded/Stalled clear.
        var recovered = ModelDeploymentStatusBuilder.Applied(md, desired, new ObservedState([observed.Deployments[0]]), Now.AddHours(2),
            new RevisionDecision(stablePlan, null, Promoted: false));
        Assert.Null(recovered.FailedRevision);
        Assert.Equal(ModelDeploymentPhase.Ready, recovered.Phase);
        Assert.Equal(False, Get(recovered, Degraded).Status);
        Assert.Equal(False, Get(recovered, Stalled).Status);
    }

    private static (Md Md, DesiredState Desired, ObservedState Observed) Overlap()
    {
        var md = ModelDeploymentFixtures.Valid(s => s.Model.Version = "8");
        var stablePlan = DesiredStateBuilder.StablePlan(ModelDeploymentFixtures.Valid(), ModelDeploymentDefaults.Default);
        var incomingPlan = new RevisionPlan(RevisionTemplate.From(md.Spec), RevisionRole.Canary, 2);
        var desired = DesiredStateBuilder.Build(md, [stablePlan, incomingPlan], ModelDeploymentDefaults.Default);
        var stable = Observed(desired, 1, 1, 2, 2).Deployments[0];
        var incoming = KubeJson.DeepCopy(desired.Deployments[1]);
        incoming.Metadata.Generation = 1;
        incoming.Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 2, UpdatedReplicas = 2, ReadyReplicas = 0, AvailableReplicas = 0 };
        return (md, desired, new ObservedState([stable, incoming]));
    }

    private static ObservedState Observed(DesiredState desired, long generation, long observedGeneration, int updated, int available)
    {
        var deployment = KubeJson.DeepCopy(desired.StableDeployment);
        deployment.Metadata.Generation = generation;
        deployment.Status = new V1DeploymentStatus
        {
            ObservedGeneration = observedGeneration,
            Replicas = updated,
            UpdatedReplicas = updated,
            ReadyReplicas = available,
            AvailableReplicas = available,
        };
        return new ObservedState([deployment]);
    }

    private static V1Condition Get(ModelDeploymentStatus status, string type) => status.Conditions!.Single(c => c.Type == type);
}
