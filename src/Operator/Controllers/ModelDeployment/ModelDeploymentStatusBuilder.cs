using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Quota;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Rollout;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>
/// Pure: what a ModelDeployment's status should say after this pass. Conditions keep their lastTransitionTime
/// unless their status flips, so a pass that changes nothing produces an identical status (and no write).
/// </summary>
public static class ModelDeploymentStatusBuilder
{
    /// <summary>The spec breaks a rule: Ready=False/InvalidSpec, phase Failed (kstatus: Stalled). Children are left alone.</summary>
    public static ModelDeploymentStatus Invalid(Md md, IReadOnlyList<ValidationViolation> violations, DateTimeOffset now)
    {
        var status = Copy(md.Status);
        var generation = md.Metadata.Generation;
        var message = InvalidSpecMessage(violations);
        status.ObservedGeneration = generation;
        status.Phase = ModelDeploymentPhase.Failed;
        status.Conditions = Merge(md.Status?.Conditions,
        [
            Create(md.Status?.Conditions, Ready, False, ReasonInvalidSpec, message, generation, now),
            Create(md.Status?.Conditions, Progressing, False, ReasonInvalidSpec, message, generation, now),
            Create(md.Status?.Conditions, Degraded, False, ReasonAsExpected, "", generation, now),
            Create(md.Status?.Conditions, Reconciling, False, ReasonInvalidSpec, "", generation, now),
            Create(md.Status?.Conditions, Stalled, True, ReasonInvalidSpec, message, generation, now),
        ]);
        return status;
    }

    /// <summary>The desired children do not fit the namespace's quota: nothing was applied, QuotaExceeded=True.</summary>
    public static ModelDeploymentStatus QuotaBlocked(
        Md md, DesiredState desired, ObservedState observed, QuotaCheck quota, DateTimeOffset now, RevisionDecision? revisions = null)
    {
        var status = Applied(md, desired, observed, now, revisions);
        var generation = md.Metadata.Generation;
        var message = InsufficientQuotaMessage(quota.Shortfalls.Select(s => s.Message));
        status.Phase = revisions?.Failed is not null ? ModelDeploymentPhase.Degraded
            : observed.Revision(desired.Stable.Hash) is null && observed.Deployments.Count == 0 ? ModelDeploymentPhase.Pending
            : ModelDeploymentPhase.Progressing;
        status.Conditions = Merge(status.Conditions,
        [
            Create(md.Status?.Conditions, QuotaExceeded, True, ReasonInsufficientQuota, message, generation, now),
            Create(md.Status?.Conditions, Progressing, False, ReasonInsufficientQuota, message, generation, now),
        ]);
        if (status.Conditions.First(c => c.Type == Ready).Status != True)
        {
            status.Conditions = Merge(status.Conditions,
                [Create(md.Status?.Conditions, Ready, False, ReasonInsufficientQuota, message, generation, now)]);
        }

        return status;
    }

    /// <summary>
    /// The children were applied; readiness follows the stable Deployment as the Deployment controller reports it.
    /// Ready=True only when this generation was applied and the stable Deployment has observed its own latest
    /// generation with every replica updated and available (kstatus "Current").
    /// With <paramref name="revisions"/>: the incoming revision's start goes to status.canary.stepStartedAt, and a
    /// revision that missed its progress deadline makes the phase Degraded with Degraded=True and Stalled=True.
    /// </summary>
    public static ModelDeploymentStatus Applied(
        Md md, DesiredState desired, ObservedState observed, DateTimeOffset now, RevisionDecision? revisions = null, RevisionHealth? health = null)
    {
        var status = Copy(md.Status);
        var generation = md.Metadata.Generation;
        var stable = observed.Revision(desired.Stable.Hash);
        var stableVersion = desired.Stable.Template.Model.Version;
        var wanted = desired.Stable.Replicas ?? stable?.Spec?.Replicas ?? md.Spec.Autoscaling?.MinReplicas ?? 1;
        var replicas = observed.Deployments.Sum(d => d.Status?.Replicas ?? 0);
        var ready = observed.Deployments.Sum(d => d.Status?.ReadyReplicas ?? 0);
        var stableReady = StableIsReady(stable, wanted);
        var incoming = desired.Revisions.FirstOrDefault(r => r.Role == RevisionRole.Canary);

        status.ObservedGeneration = generation;
        status.StableRevision = desired.Stable.Hash;
        status.StableVersion = stableVersion;
        status.Replicas = replicas;
        status.ReadyReplicas = ready;
        status.Selector = desired.Selector;
        status.Url = desired.Url;
        status.Phase = stableReady && incoming is null ? ModelDeploymentPhase.Ready : ModelDeploymentPhase.Progressing;

        var stableReadyCount = stable?.Status?.ReadyReplicas ?? 0;
        var progressing = stableReady
            ? Create(md.Status?.Conditions, Progressing, False, ReasonRolloutComplete, RolloutCompleteMessage(stableVersion), generation, now)
            : Create(md.Status?.Conditions, Progressing, True, ReasonReconciling, ReconcilingMessage(generation ?? 0), generation, now);
        status.Canary = null;
        if (revisions?.HandledActions is { } handled)
        {
            status.HandledActions = handled;
        }

        if (incoming is not null && revisions?.Canary is { } canary)
        {
            status.Canary = canary;
            progressing = Create(md.Status?.Conditions, Progressing, True, ReasonCanaryStep,
                revisions.CanaryMessage ?? CanaryStepMessage(canary.Version ?? "", (canary.Step ?? 0) + 1, canary.Weight ?? 0), generation, now);
        }
        else if (incoming is not null)
        {
            var live = observed.Revision(incoming.Hash);
            var incomingWanted = incoming.Replicas ?? 1;
            var incomingAvailable = live?.Status?.AvailableReplicas ?? 0;
            status.Canary = new CanaryStatus
            {
                Version = incoming.Template.Model.Version,
                Revision = incoming.Hash,
                Weight = CanaryReplicas.EffectiveWeight(live?.Status?.ReadyReplicas ?? 0, stableReadyCount),
                StepStartedAt = revisions?.IncomingSince,
            };
            progressing = Create(md.Status?.Conditions, Progressing, True, ReasonNewRevision,
                NewRevisionProgressingMessage(incoming.Template.Model.Version, incoming.Hash, incomingAvailable, incomingWanted, stableVersion), generation, now);
        }

        var degraded = Create(md.Status?.Conditions, Degraded, False, ReasonAsExpected, "", generation, now);
        V1Condition? stalled = md.Status?.Conditions?.Any(c => c.Type == Stalled) == true
            ? Create(md.Status?.Conditions, Stalled, False, ReasonAsExpected, "", generation, now)
            : null;
        status.FailedRevision = revisions?.RolledBack?.Revision ?? revisions?.Failed?.Revision;
        if (Failure(md, revisions, stableVersion) is { } failure)
        {
            var (reason, message) = failure;
            status.Phase = ModelDeploymentPhase.Degraded;
            progressing = Create(md.Status?.Conditions, Progressing, False, reason, message, generation, now);
            degraded = Create(md.Status?.Conditions, Degraded, True, reason, message, generation, now);
            stalled = Create(md.Status?.Conditions, Stalled, True, reason, message, generation, now);
        }

        if (incoming is not null && health?.Incoming is { } incomingFailure && progressing.Status == True)
        {
            progressing = Create(md.Status?.Conditions, Progressing, True, progressing.Reason, WithFailure(progressing.Message, incomingFailure), generation, now);
        }

        if (revisions?.Held is { } held)
        {
            // Held past its deadline: a human decides (kstatus Stalled); the stable keeps serving, so not Degraded.
            progressing = Create(md.Status?.Conditions, Progressing, False, ReasonProgressDeadlineExceeded, held, generation, now);
            stalled = Create(md.Status?.Conditions, Stalled, True, ReasonProgressDeadlineExceeded, held, generation, now);
        }

        // kstatus: Reconciling=True while the operator still works towards the spec (a revision coming up, a canary).
        var reconciling = incoming is not null
            ? Create(md.Status?.Conditions, Reconciling, True, ReasonCanaryInProgress, progressing.Message, generation, now)
            : !stableReady
                ? Create(md.Status?.Conditions, Reconciling, True, ReasonPodsNotReady, ReplicasNotReadyMessage(stableReadyCount, wanted), generation, now)
                : Create(md.Status?.Conditions, Reconciling, False, ReasonAsExpected, "", generation, now);

        var conditions = new List<V1Condition>
        {
            stableReady
                ? Create(md.Status?.Conditions, Ready, True, ReasonAvailable, AvailableMessage(wanted), generation, now)
                : Create(md.Status?.Conditions, Ready, False, ReasonReplicasNotReady,
                    WithFailure(ReplicasNotReadyMessage(stableReadyCount, wanted), health?.Stable), generation, now),
            progressing,
            degraded,
            revisions?.NoSurgeReason is { } noSurge
                ? Create(md.Status?.Conditions, QuotaExceeded, False, ReasonNoSurgePlan, noSurge, generation, now)
                : Create(md.Status?.Conditions, QuotaExceeded, False, ReasonQuotaAvailable, "", generation, now),
            ModelVerifiedCondition(md, desired.Stable.Template.Model.Sha256, stableReady, generation, now),
            reconciling,
        };
        if (stalled is not null)
        {
            conditions.Add(stalled);
        }

        status.Conditions = Merge(md.Status?.Conditions, conditions);
        return status;
    }

    /// <summary>
    /// The rollback's reason and message, written on the pass it happened; later passes (the spec still mapping to the
    /// failed revision) keep the ones written then, whatever the cause was.
    /// </summary>
    private static (string Reason, string Message)? Failure(Md md, RevisionDecision? revisions, string stableVersion)
    {
        if (revisions?.RolledBack is { } rolledBack)
        {
            return (rolledBack.Cause.ToString(), rolledBack.Message);
        }

        if (revisions?.Failed is not { } failed)
        {
            return null;
        }

        if (failed is { Available: { } available, Wanted: { } wanted })
        {
            return (ReasonProgressDeadlineExceeded, ProgressDeadlineExceededMessage(failed.Version, failed.Revision, available, wanted, failed.Deadline, stableVersion));
        }

        var previous = md.Status?.Conditions?.FirstOrDefault(c => c.Type == Degraded && c.Status == True);
        return previous is { Message.Length: > 0, Reason.Length: > 0 }
            ? (previous.Reason, previous.Message)
            : (ReasonProgressDeadlineExceeded, ProgressDeadlineExceededMessage(failed.Version, failed.Revision, 0, 0, failed.Deadline, stableVersion));
    }

    private static string WithFailure(string message, string? failure) => failure is null ? message : $"{message}; {failure}";

    /// <summary>True when the Deployment controller has caught up with the latest spec and every wanted pod is updated and available.</summary>
    public static bool StableIsReady(V1Deployment? stable, int wanted) => DeploymentProgress.IsComplete(stable, wanted);

    private static V1Condition ModelVerifiedCondition(Md md, string? sha256, bool ready, long? generation, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(sha256))
        {
            return Create(md.Status?.Conditions, ModelVerified, Unknown, ReasonNoChecksum, "no sha256 given: the model file is not verified", generation, now);
        }

        // The sidecar refuses to become ready with a file that does not match, so a ready revision is a verified one.
        return ready
            ? Create(md.Status?.Conditions, ModelVerified, True, ReasonChecksumMatched, $"model file matches sha256 {sha256}", generation, now)
            : Create(md.Status?.Conditions, ModelVerified, Unknown, ReasonVerificationPending, "waiting for a ready pod to confirm the checksum", generation, now);
    }

    /// <summary>Replaces conditions of the same type, keeps others, orders by the canonical type order.</summary>
    private static List<V1Condition> Merge(IReadOnlyList<V1Condition>? existing, IReadOnlyList<V1Condition> updates)
    {
        var byType = (existing ?? []).ToDictionary(c => c.Type);
        foreach (var update in updates)
        {
            byType[update.Type] = update;
        }

        return [.. byType.Values.OrderBy(c => Order(c.Type)).ThenBy(c => c.Type, StringComparer.Ordinal)];
    }

    private static int Order(string type)
    {
        var index = AllTypes.ToList().IndexOf(type);
        return index < 0 ? int.MaxValue : index;
    }

    private static ModelDeploymentStatus Copy(ModelDeploymentStatus? status) =>
        status is null ? new ModelDeploymentStatus() : KubeJson.DeepCopy(status);
}
