using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Resources;

namespace MlOperator.Operator.Rollout;

/// <summary>
/// Pure: which revision is stable and which one is coming up, from status.stableRevision and the live
/// Deployments (never from the spec alone, so the stable survives a spec change).
/// <list type="bullet">
/// <item>No live stable (first deployment, or its Deployment is gone), the spec's revision already stable, or
/// strategy Recreate: the spec's revision is stable at once (Recreate: downtime, by the user's choice).</item>
/// <item>Otherwise the spec's revision comes up beside the stable, which keeps serving unchanged; a revision that
/// was coming up for an older spec is dropped (superseded). Once the incoming Deployment has every wanted replica
/// updated and available it is promoted, and the old stable goes.</item>
/// </list>
/// An incoming revision that has not become available within spec.rollout.progressDeadline (counted from
/// status.canary.stepStartedAt, so a restarted operator keeps the original start) is rolled back: only the stable
/// is kept, and the spec's revision is not brought up again while the spec still maps to status.failedRevision
/// (unless <c>retry</c>: a retry annotation brings it up again with a fresh deadline). With weighted canary steps the
/// incoming revision is only proposed here; <see cref="RolloutPlanner"/> sizes, judges, promotes or rolls it back.
/// </summary>
public static class RevisionLifecycle
{
    public static RevisionDecision Decide(ModelDeployment md, ObservedState observed, ModelDeploymentDefaults defaults, DateTimeOffset now, bool retry = false)
    {
        var spec = DesiredStateBuilder.StablePlan(md, defaults);
        var stableHash = md.Status?.StableRevision;
        var stableLive = string.IsNullOrEmpty(stableHash) ? null : observed.Revision(stableHash);
        var recreate = md.Spec.Rollout?.Strategy == RolloutSpec.Recreate;
        if (recreate || stableLive is null || stableHash == spec.Hash
            || !RevisionTemplate.TryFromAnnotation(stableLive.GetAnnotation(ModelDeploymentLabels.TemplateAnnotation), out var stableTemplate))
        {
            return new RevisionDecision(spec, null, Promoted: stableLive is not null && stableHash != spec.Hash);
        }

        var stablePlan = new RevisionPlan(stableTemplate, RevisionRole.Stable, spec.Replicas);
        var deadline = ProgressDeadline(md);
        if (md.Status?.FailedRevision == spec.Hash && !retry)
        {
            return new RevisionDecision(stablePlan, null, Promoted: false)
            {
                Failed = new ProgressDeadlineFailure(spec.Hash, spec.Template.Model.Version, deadline, null, null),
            };
        }

        // The incoming revision runs as many pods as the stable should, so promotion never shrinks capacity.
        var wanted = spec.Replicas ?? stableLive.Spec?.Replicas ?? md.Spec.Autoscaling?.MinReplicas ?? 1;
        var incomingLive = observed.Revision(spec.Hash);
        if (CanaryPolicy.HasSteps(md))
        {
            // Weighted steps: the canary planner sizes, judges, promotes or rolls back (RolloutPlanner).
            return new RevisionDecision(stablePlan, new RevisionPlan(spec.Template, RevisionRole.Canary, wanted), Promoted: false);
        }

        if (DeploymentProgress.IsComplete(incomingLive, wanted))
        {
            return new RevisionDecision(spec, null, Promoted: true);
        }

        var since = md.Status?.Canary is { StepStartedAt: { } started } canary && canary.Revision == spec.Hash && !retry ? started : now;
        var left = deadline - (now - since);
        if (left <= TimeSpan.Zero)
        {
            return new RevisionDecision(stablePlan, null, Promoted: false)
            {
                Failed = new ProgressDeadlineFailure(spec.Hash, spec.Template.Model.Version, deadline, incomingLive?.Status?.AvailableReplicas ?? 0, wanted),
            };
        }

        return new RevisionDecision(stablePlan, new RevisionPlan(spec.Template, RevisionRole.Canary, wanted), Promoted: false)
        {
            IncomingSince = since,
            RecheckAfter = left,
        };
    }

    /// <summary>spec.rollout.progressDeadline, or its schema default when absent or unreadable (the validator refuses the latter).</summary>
    public static TimeSpan ProgressDeadline(ModelDeployment md) =>
        DurationValue.TryParse(md.Spec.Rollout?.ProgressDeadline, out var deadline) ? deadline : CanaryPolicy.DefaultProgressDeadline;
}
