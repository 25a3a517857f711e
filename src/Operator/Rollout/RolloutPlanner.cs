using System.Globalization;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Resources;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;

namespace MlOperator.Operator.Rollout;

/// <summary>
/// One reconcile pass of a rollout, pure: the action annotations, which revisions run (<see cref="RevisionLifecycle"/>),
/// the weighted canary steps (<see cref="CanaryPlanner"/>), promotion and rollback, and the revisions on their way out.
/// The reconciler asks <see cref="DueAnalysis"/> first, scrapes when a check is due, and hands the verdict to <see cref="Plan"/>.
/// </summary>
public static class RolloutPlanner
{
    /// <summary>A check due on this pass: the canary and stable revisions to scrape, and the limits to judge them by.</summary>
    public sealed record AnalysisTarget(string Canary, string Stable, AnalysisLimits Limits);

    /// <summary>The revisions to scrape when an analysis check is due on this pass; null when none is.</summary>
    public static AnalysisTarget? DueAnalysis(ModelDeployment md, ModelDeploymentDefaults defaults, DateTimeOffset now)
    {
        if (!CanaryPolicy.HasSteps(md) || md.Status is not { Canary: { } canary, StableRevision: { Length: > 0 } stable })
        {
            return null;
        }

        var policy = CanaryPolicy.From(md);
        var spec = DesiredStateBuilder.StablePlan(md, defaults);
        if (!policy.Analysed || canary.Revision != spec.Hash || canary.Promoting == true || RolloutRequests.From(md).Paused)
        {
            return null;
        }

        return CanaryPlanner.AnalysisDue(Progress(canary), now) ? new AnalysisTarget(spec.Hash, stable, policy.Limits) : null;
    }

    /// <summary>
    /// The revisions this pass runs and what status says about them. <paramref name="verdict"/> is the check
    /// <see cref="DueAnalysis"/> asked for (null when none was due or no baseline existed yet). <paramref name="readyPods"/>
    /// counts a revision's Ready pods as the operator's own pod cache sees them: a step starts only once both the
    /// Deployment and that cache see its pods Ready, so the step's first scrape (taken from that cache) includes them.
    /// </summary>
    public static RevisionDecision Plan(
        ModelDeployment md, ObservedState observed, ModelDeploymentDefaults defaults, DateTimeOffset now, AnalysisVerdict? verdict, Func<string, int>? readyPods = null)
    {
        var requests = RolloutRequests.From(md);
        var notices = requests.Ignored.Select(text => new RolloutNotice(true, ReasonIgnoredAnnotation, text)).ToList();
        var spec = DesiredStateBuilder.StablePlan(md, defaults);
        var retry = requests.Retry is not null && md.Status?.FailedRevision == spec.Hash;
        if (retry)
        {
            notices.Add(new RolloutNotice(false, ReasonRetry, $"retrying model version {spec.Template.Model.Version} (revision {spec.Hash}) as requested"));
        }
        else if (requests.Retry is not null)
        {
            notices.Add(new RolloutNotice(false, ReasonRetry, "retry requested but no failed revision matches the spec: nothing to retry"));
        }

        var decision = RevisionLifecycle.Decide(md, observed, defaults, now, retry);
        if (decision.Incoming is { } incoming && CanaryPolicy.HasSteps(md))
        {
            decision = Canary(md, observed, decision, spec, incoming, requests, verdict, retry, now, notices, readyPods);
        }
        else if (requests.Promote is not null || requests.Abort is not null)
        {
            notices.Add(new RolloutNotice(false, requests.Promote is not null ? ReasonPromoteRequested : ReasonAbortRequested,
                (requests.Promote is not null ? "promote" : "abort") + " requested but no canary is in progress: nothing to do"));
        }

        return decision with
        {
            Retiring = Retiring(observed, decision),
            HandledActions = RolloutRequests.Handled(md),
            Notices = notices,
        };
    }

    private static RevisionDecision Canary(
        ModelDeployment md, ObservedState observed, RevisionDecision decision, RevisionPlan spec, RevisionPlan incoming, RolloutRequests requests,
        AnalysisVerdict? verdict, bool retry, DateTimeOffset now, List<RolloutNotice> notices, Func<string, int>? readyPods)
    {
        var policy = CanaryPolicy.From(md);
        var stable = decision.Stable;
        var stableLive = observed.Revision(stable.Hash);
        var canaryLive = observed.Revision(incoming.Hash);
        var version = incoming.Template.Model.Version;
        var stableVersion = stable.Template.Model.Version;

        // The stable's size now: the spec's count, or the HPA's current choice.
        // A stable already scaled to zero means its promotion happened (this pass reads an older status): keep the canary's size.
        var liveStable = stableLive?.Spec?.Replicas is int n && n > 0 ? n : canaryLive?.Spec?.Replicas;
        var stableReplicas = Math.Max(1, stable.Replicas ?? liveStable ?? md.Spec.Autoscaling?.MinReplicas ?? 1);
        var previous = md.Status?.Canary is { } c && c.Revision == incoming.Hash && !retry ? c : null;
        var progress = previous is null ? CanaryProgress.Start : Progress(previous);

        // A no-surge plan made earlier in this canary keeps the stable at its reduced size until promotion or rollback.
        var noSurge = previous?.StableReplicas;
        if (noSurge is int reduced)
        {
            decision = decision with { Stable = stable with { Replicas = reduced } };
        }

        if (requests.Abort is not null)
        {
            return RollBack(stable, incoming, RollbackCause.Aborted,
                RolledBackMessage(version, stableVersion, $"aborted by annotation {RolloutRequests.AbortAnnotation}={requests.Abort}"));
        }

        var promoting = previous?.Promoting == true || requests.Promote is not null;
        if (requests.Promote is not null && previous?.Promoting != true)
        {
            notices.Add(new RolloutNotice(false, ReasonPromoteRequested, $"promotion of model version {version} requested by annotation: skipping the remaining steps"));
        }

        CanaryDecision? planned = null;
        if (!promoting)
        {
            var ready = CaughtUp(canaryLive) ? canaryLive!.Status?.ReadyReplicas ?? 0 : 0;
            if (readyPods is not null)
            {
                ready = Math.Min(ready, readyPods(incoming.Hash));
            }

            planned = CanaryPlanner.Plan(policy, progress, new CanaryObservation(now, stableReplicas, ready, requests.Paused, verdict));
            progress = planned.Progress;
            switch (planned.Action)
            {
                case CanaryAction.RollBack:
                    return RollBack(stable, incoming, planned.Cause ?? RollbackCause.AnalysisFailed, RolledBackMessage(version, stableVersion, planned.Message));
                case CanaryAction.Promote:
                    promoting = true;
                    break;
            }
        }

        if (promoting)
        {
            // Scale the canary to the stable's size first, so the switch never lowers capacity. Without surge room (quota)
            // the canary is promoted as it is and grows as the old stable's pods go.
            var promoteAt = noSurge is null ? stableReplicas : Math.Max(1, canaryLive?.Spec?.Replicas ?? 1);
            if (DeploymentProgress.IsComplete(canaryLive, promoteAt))
            {
                return new RevisionDecision(spec, null, Promoted: true)
                {
                    // With an HPA the new stable's replicas stop being ours: hand the current count over first (no dip to minReplicas).
                    HandOverReplicas = md.Spec.Autoscaling is null ? null : stableReplicas,
                };
            }

            var readyNow = canaryLive?.Status?.ReadyReplicas ?? 0;
            return decision with
            {
                Incoming = incoming with { Replicas = promoteAt },
                Canary = Status(incoming, progress, policy, previous?.Weight ?? 0, requests.Paused, promoting: true, noSurge),
                CanaryMessage = string.Create(CultureInfo.InvariantCulture,
                    $"promoting model version {version}: {readyNow} of {promoteAt} pods ready before it takes all traffic; version {stableVersion} keeps serving until then"),
                RecheckAfter = null,
                IncomingSince = progress.StepStartedAt,
            };
        }

        if (previous is not null && previous.Step != progress.Step)
        {
            notices.Add(new RolloutNotice(false, ReasonCanaryStep, CanaryStepMessage(version, progress.Step + 1, policy.Steps[progress.Step].Weight)));
        }

        return decision with
        {
            Held = planned!.Cause == RollbackCause.ProgressDeadlineExceeded ? $"canary {version} {planned.Message}" : null,
            Incoming = incoming with { Replicas = planned.CanaryReplicas },
            Canary = Status(incoming, progress, policy, planned.Weight, requests.Paused, promoting: false, noSurge),
            CanaryMessage = $"canary {version}: {planned.Message}",
            RecheckAfter = planned.RequeueAfter,
            IncomingSince = progress.StepStartedAt,
        };
    }

    /// <summary>
    /// Traffic back to the stable at once: only the stable is kept (at its full size again), the canary retires, the
    /// revision is marked failed.
    /// </summary>
    private static RevisionDecision RollBack(RevisionPlan stable, RevisionPlan incoming, RollbackCause cause, string message) =>
        new(stable, null, Promoted: false)
        {
            RolledBack = new RolloutFailure(cause, incoming.Hash, incoming.Template.Model.Version, message),
        };

    /// <summary>Owned Deployments this pass does not run, still holding pods: scaled to zero (deleted once their pods are gone).</summary>
    private static IReadOnlyList<RevisionPlan> Retiring(ObservedState observed, RevisionDecision decision)
    {
        var kept = decision.Incoming is null ? new[] { decision.Stable.Hash } : [decision.Stable.Hash, decision.Incoming.Hash];
        var retiring = new List<RevisionPlan>();
        foreach (var deployment in observed.Deployments)
        {
            var hash = deployment.GetLabel(ModelDeploymentLabels.Revision);
            if (hash is null || kept.Contains(hash) || Drained(deployment)
                || !RevisionTemplate.TryFromAnnotation(deployment.GetAnnotation(ModelDeploymentLabels.TemplateAnnotation), out var template))
            {
                continue;
            }

            var plan = new RevisionPlan(template, RevisionRole.Retiring, 0);
            if (plan.Hash == hash)
            {
                retiring.Add(plan);
            }
        }

        return retiring;
    }

    /// <summary>Scaled to zero and no pod left: ready to delete.</summary>
    public static bool Drained(V1Deployment deployment) =>
        deployment.Spec?.Replicas == 0 && (deployment.Status?.Replicas ?? 0) == 0;

    private static bool CaughtUp(V1Deployment? deployment) =>
        deployment?.Status is { } s && s.ObservedGeneration >= deployment.Metadata.Generation;

    private static CanaryStatus Status(RevisionPlan incoming, CanaryProgress progress, CanaryPolicy policy, int weight, bool paused, bool promoting, int? stableReplicas) => new()
    {
        StableReplicas = stableReplicas,
        Version = incoming.Template.Model.Version,
        Revision = incoming.Hash,
        Weight = weight,
        Step = progress.Step,
        Steps = policy.Steps.Count,
        AnalysisFailures = progress.AnalysisFailures,
        StepStartedAt = progress.StepStartedAt,
        NextAnalysisAt = progress.NextAnalysisAt,
        InconclusiveSince = progress.StuckSince,
        StepPassed = progress.StepPassed,
        LastAnalysis = progress.LastAnalysis,
        Promoting = promoting ? true : null,
        Paused = paused ? true : null,
    };

    /// <summary>The planner's progress as status kept it.</summary>
    public static CanaryProgress Progress(CanaryStatus canary) => new(
        canary.Step ?? 0,
        canary.StepStartedAt,
        canary.AnalysisFailures ?? 0,
        canary.NextAnalysisAt,
        canary.InconclusiveSince,
        canary.StepPassed ?? false,
        canary.LastAnalysis);
}
