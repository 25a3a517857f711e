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
/// An incoming revision that never becomes available never replaces the stable; bounding that wait (progress
/// deadline, rollback) is the canary planner's job, not this function's.
/// </summary>
public static class RevisionLifecycle
{
    public static RevisionDecision Decide(ModelDeployment md, ObservedState observed, ModelDeploymentDefaults defaults)
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

        // The incoming revision runs as many pods as the stable should, so promotion never shrinks capacity.
        var wanted = spec.Replicas ?? stableLive.Spec?.Replicas ?? md.Spec.Autoscaling?.MinReplicas ?? 1;
        if (DeploymentProgress.IsComplete(observed.Revision(spec.Hash), wanted))
        {
            return new RevisionDecision(spec, null, Promoted: true);
        }

        return new RevisionDecision(
            new RevisionPlan(stableTemplate, RevisionRole.Stable, spec.Replicas),
            new RevisionPlan(spec.Template, RevisionRole.Canary, wanted),
            Promoted: false);
    }
}
