using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Quota;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Rollout;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Controller;
using MlOperator.Operator.Runtime.Events;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>
/// Orchestration only: read the ModelDeployment and its children from the caches, validate, build the desired
/// state (pure), check it against quota (pure), apply what differs with server-side apply, delete children no
/// longer desired, and write status once at the end when it changed.
///
/// No finalizer: every child carries a controller ownerReference, so the garbage collector removes them when
/// the ModelDeployment goes, and nothing outside the owner graph (no external registry, no cloud resource)
/// needs cleaning up. A finalizer would only add a way for deletion to hang.
/// </summary>
public sealed class ModelDeploymentReconciler(
    IKubeClient client,
    ModelDeploymentCaches caches,
    IEventRecorder events,
    ModelDeploymentDefaults defaults,
    TimeProvider time,
    CanaryAnalysis analysis,
    ILogger<ModelDeploymentReconciler> logger) : IReconciler
{
    public const string FieldManager = "mloperator";

    /// <summary>
    /// Holds a promoted stable's replica count while its Deployment moves from our replica count to the HPA's: the
    /// field stays owned by this manager when our own apply stops setting it, so server-side apply does not reset
    /// it to 1 (the Kubernetes docs' "transferring ownership"), and the HPA takes it from there.
    /// </summary>
    public const string HandOverFieldManager = "mloperator-handover";

    /// <summary>The rollout gauges and counters (null: not recorded).</summary>
    public RolloutMetrics? Metrics { get; init; }

    /// <summary>Shortest requeue: a planner asking for "now" gets a second, never a hot loop.</summary>
    private static readonly TimeSpan MinimumRequeue = TimeSpan.FromSeconds(1);

    /// <summary>Quota may free up without any object of ours changing (pods of other apps ending); look again now and then.</summary>
    public static readonly TimeSpan QuotaRecheck = TimeSpan.FromMinutes(1);

    private static readonly ApplyOptions Apply = new(FieldManager, Force: true);

    /// <summary>
    /// The last status this reconciler wrote per ModelDeployment, with the resourceVersion it was written over. The
    /// cache can still hold that older version on the next pass (the watch event is on its way); planning from it
    /// would replay a promotion or rollback already done, so such a pass reads the status it wrote instead.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), (string WrittenOver, ModelDeploymentStatus Status)> _written = new();

    /// <summary>The ignored annotation values each ModelDeployment was last told about: one Warning per value, not per pass.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), string[]> _ignoredAnnotations = new();

    /// <summary>
    /// Forgets a remembered status write once the cache holds a newer version of its ModelDeployment: a status write
    /// does not wake the controller (no generation change), so without this every converged ModelDeployment would keep
    /// a second copy of its status here for the life of the process.
    /// </summary>
    internal ResourceEventHandler<Md> WrittenStatusEviction => new(
        OnUpdate: (_, md) => ForgetWrittenStatus(md, onlyIfNewer: true),
        OnDelete: md => ForgetWrittenStatus(md, onlyIfNewer: false));

    /// <summary>How many status writes are remembered for ModelDeployments the cache has not caught up with yet.</summary>
    internal int RememberedStatusWrites => _written.Count;

    private static (string, string) KeyOf(Md md) => (md.Metadata.NamespaceProperty ?? "", md.Metadata.Name);

    private void ForgetWrittenStatus(Md md, bool onlyIfNewer)
    {
        var key = KeyOf(md);
        if (_written.TryGetValue(key, out var written) && (!onlyIfNewer || md.Metadata.ResourceVersion != written.WrittenOver))
        {
            _written.TryRemove(KeyValuePair.Create(key, written)); // only that entry: a newer write may have replaced it
        }
    }

    private long _passes;

    /// <summary>Passes started, for tests that need "a pass ran after this change" without waiting on time.</summary>
    internal long Passes => Interlocked.Read(ref _passes);

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref _passes);
        // Every cache read of a pass is read-only (no deep copy per read): nothing below mutates what it reads; the
        // status builder, the planner and the no-surge plan copy before they change anything.
        var md = caches.ModelDeployments.GetReadOnly(request.Namespace, request.Name);
        if (md is not null && _written.TryGetValue((request.Namespace ?? "", request.Name), out var written))
        {
            if (md.Metadata.ResourceVersion == written.WrittenOver)
            {
                md = WithStatus(md, written.Status); // the cache has not seen our last status write yet
            }
            else
            {
                _written.TryRemove((request.Namespace ?? "", request.Name), out _);
            }
        }

        if (md is null || md.Metadata.DeletionTimestamp is not null)
        {
            _written.TryRemove((request.Namespace ?? "", request.Name), out _);
            _validated.TryRemove((request.Namespace ?? "", request.Name), out _);
            _ignoredAnnotations.TryRemove((request.Namespace ?? "", request.Name), out _);
            Metrics?.Forget(request.Namespace ?? "", request.Name);
            return ReconcileResult.Done; // gone or going: the garbage collector takes the children
        }

        var now = time.GetUtcNow();
        var violations = Validate(md);
        if (violations.Count > 0)
        {
            logger.LogInformation("Invalid spec, children left untouched until the spec changes: {Violations}", InvalidSpecMessage(violations));
            await WriteStatusAsync(md, ModelDeploymentStatusBuilder.Invalid(md, violations, now), ct).ConfigureAwait(false);
            return ReconcileResult.Done; // no retry loop: a spec change wakes us
        }

        var observed = new ObservedState(OwnedKind.ControlledBy(caches.Deployments, md.Metadata.Uid ?? ""));
        var (verdict, baseline) = await AnalyseAsync(md, now, ct).ConfigureAwait(false);
        var revisions = RolloutPlanner.Plan(md, observed, defaults, now, verdict, revision => ReadyPods(md, revision));
        await KeepBaselineAsync(md, revisions, baseline, now, ct).ConfigureAwait(false);
        var desired = DesiredStateBuilder.Build(md, revisions.Plans, defaults, CanaryTraffic.Weight(revisions, observed));

        var quota = CheckQuota(md, desired, observed);
        if (!quota.Fits && NoSurge(md, revisions, desired, observed) is { } noSurge)
        {
            // The canary fits once the stable gives up as many pods: plan it that way (GPU canaries under tight quota).
            logger.LogInformation("Canary does not fit next to the stable under quota; no-surge plan: {Plan}", noSurge.Reason);
            if (md.Status?.Canary?.StableReplicas is null)
            {
                events.Normal(md, ReasonNoSurgePlan, noSurge.Reason);
            }

            revisions = revisions with
            {
                Stable = revisions.Stable with { Replicas = noSurge.StableReplicas },
                Canary = WithStableReplicas(revisions.Canary, noSurge.StableReplicas),
                NoSurgeReason = noSurge.Reason,
            };
            desired = DesiredStateBuilder.Build(md, revisions.Plans, defaults, CanaryTraffic.Weight(revisions, observed));
            quota = QuotaCheck.Fitting; // the canary's pods are admitted as the stable's go
        }
        else if (revisions.Canary?.StableReplicas is int kept)
        {
            revisions = revisions with { NoSurgeReason = NoSurgeMessage(md.Spec.Replicas ?? defaults.Replicas, kept) };
        }

        if (!quota.Fits)
        {
            logger.LogInformation("Desired state does not fit the namespace quota, nothing applied: {Shortfall}", quota.Message);
            // The plan's decisions (a rollback, a token acted on) are in this status write: their Events go with it.
            AfterPlan(md, revisions);
            await WriteStatusAsync(md, ModelDeploymentStatusBuilder.QuotaBlocked(md, desired, observed, quota, now, revisions), ct).ConfigureAwait(false);
            return ReconcileResult.After(revisions.RecheckAfter is { } untilDeadline && untilDeadline < QuotaRecheck ? untilDeadline : QuotaRecheck);
        }

        if (revisions.HandOverReplicas is { } handOver)
        {
            await HandOverReplicasAsync(desired.StableDeployment, handOver, ct).ConfigureAwait(false);
        }

        var applied = await ApplyChildrenAsync(md, desired, ct).ConfigureAwait(false);
        var deleted = await DeleteStaleChildrenAsync(md, desired, ct).ConfigureAwait(false);
        if (applied > 0 || deleted > 0)
        {
            logger.LogInformation("Applied {Applied} and deleted {Deleted} children for generation {Generation}", applied, deleted, md.Metadata.Generation);
        }

        AfterPlan(md, revisions);
        if (revisions.Failed is { Available: not null } failed)
        {
            logger.LogWarning("Revision {Revision} (model version {Version}) not available after its progress deadline {Deadline}: rolled back, stable revision {StableRevision} keeps serving",
                failed.Revision, failed.Version, failed.Deadline, revisions.Stable.Hash);
        }

        if (revisions.Incoming is { } incoming && observed.Revision(incoming.Hash) is null)
        {
            logger.LogInformation("Revision {Revision} (model version {Version}) coming up beside stable revision {StableRevision}",
                incoming.Hash, incoming.Template.Model.Version, revisions.Stable.Hash);
        }

        // Status from what was observed: our applies reach the cache through the watch and wake us again.
        var status = ModelDeploymentStatusBuilder.Applied(md, desired, observed, now, revisions, PodHealth(md, desired, observed));
        await WriteStatusAsync(md, status, ct).ConfigureAwait(false);
        Metrics?.Observe(md.Metadata.NamespaceProperty, md.Metadata.Name, status.Phase ?? ModelDeploymentPhase.Pending, status.Canary?.Weight ?? 0);

        // Deployment status changes wake us through Owns<V1Deployment>; a revision that never becomes available
        // changes nothing, so its progress deadline needs a wake-up of its own.
        return revisions.RecheckAfter is { } left ? ReconcileResult.After(left < MinimumRequeue ? MinimumRequeue : left) : ReconcileResult.Done;
    }

    /// <summary>
    /// The validator's verdict per ModelDeployment generation: the spec (all it reads, with the immutable name) only
    /// changes with the generation, and a canary reconciles every analysis interval, so each generation is walked once.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), (string? Uid, long? Generation, IReadOnlyList<ValidationViolation> Violations)> _validated = new();

    private IReadOnlyList<ValidationViolation> Validate(Md md)
    {
        var key = (md.Metadata.NamespaceProperty ?? "", md.Metadata.Name);
        if (md.Metadata.Generation is not null && _validated.TryGetValue(key, out var known)
            && known.Uid == md.Metadata.Uid && known.Generation == md.Metadata.Generation)
        {
            return known.Violations;
        }

        var violations = ModelDeploymentValidator.Validate(md);
        _validated[key] = (md.Metadata.Uid, md.Metadata.Generation, violations);
        return violations;
    }

    /// <summary>A revision's pods the Pod cache sees Ready (with an IP): the pods analysis can scrape.</summary>
    private int ReadyPods(Md md, string revision) =>
        caches.RevisionPods(md.Metadata.NamespaceProperty, md.Metadata.Name, revision).Count(PodMetricsProvider.IsReady);

    /// <summary>The cached ModelDeployment with another status, leaving the cached object (shared with every reader) alone.</summary>
    private static Md WithStatus(Md md, ModelDeploymentStatus status) =>
        new() { ApiVersion = md.ApiVersion, Kind = md.Kind, Metadata = md.Metadata, Spec = md.Spec, Status = status };

    /// <summary>Why pods of the stable and the incoming revision are failing (CrashLoopBackOff, image pulls, quota), for the condition messages.</summary>
    private RevisionHealth PodHealth(Md md, DesiredState desired, ObservedState observed)
    {
        string? Describe(RevisionPlan? plan) => plan is null ? null : PodFailures.Describe(
            caches.RevisionPods(md.Metadata.NamespaceProperty, md.Metadata.Name, plan.Hash), observed.Revision(plan.Hash));
        return new RevisionHealth(Describe(desired.Stable), Describe(desired.Revisions.FirstOrDefault(r => r.Role == RevisionRole.Canary)));
    }

    /// <summary>
    /// The analysis check due on this pass, if any: scrape both revisions and judge the window since the baseline kept in
    /// status. Also returns the scrape, the next window's start.
    /// </summary>
    private async Task<(AnalysisVerdict? Verdict, AnalysisBaseline? Baseline)> AnalyseAsync(Md md, DateTimeOffset now, CancellationToken ct)
    {
        if (RolloutPlanner.DueAnalysis(md, defaults, now) is not { } due)
        {
            return (null, null);
        }

        var previous = AnalysisBaseline.FromStatus(md.Status?.Canary?.Baseline);
        var (verdict, baseline) = await analysis.CheckAsync(md.Metadata.NamespaceProperty, md.Metadata.Name, due.Canary, due.Stable, due.Limits, previous, ct).ConfigureAwait(false);
        if (verdict is null)
        {
            logger.LogInformation("Analysis baseline taken for canary revision {Revision}; the first window is judged one interval from now", due.Canary);
        }
        else
        {
            logger.LogInformation("Analysis of canary revision {Revision}: {Outcome} ({Summary}); {Unreachable} canary pods not scraped",
                due.Canary, verdict.Outcome, verdict.Summary, baseline.Unreachable);
            Metrics?.AnalysisRun(md.Metadata.NamespaceProperty, md.Metadata.Name, verdict.Outcome);
        }

        return (verdict, baseline);
    }

    /// <summary>
    /// Puts the analysis baseline into the planned status.canary: the scrape this pass took, a fresh one when a step starts
    /// now (its first window starts now), else the one status already holds for this canary.
    /// </summary>
    private async Task KeepBaselineAsync(Md md, RevisionDecision revisions, AnalysisBaseline? scraped, DateTimeOffset now, CancellationToken ct)
    {
        if (revisions.Canary is not { Revision: { } canary } status)
        {
            return;
        }

        if (scraped is null && status is { StepStartedAt: { } started, NextAnalysisAt: not null } && started == now)
        {
            scraped = await analysis.BaselineAsync(md.Metadata.NamespaceProperty, md.Metadata.Name, canary, revisions.Stable.Hash, ct).ConfigureAwait(false);
        }

        status.Baseline = scraped?.ToStatus()
            ?? (md.Status?.Canary is { Revision: var previous, Baseline: { } kept } && previous == canary && status.Promoting != true ? kept : null);
    }

    /// <summary>Events and metrics that follow from the plan.</summary>
    private void AfterPlan(Md md, RevisionDecision revisions)
    {
        var key = KeyOf(md);
        var ignored = revisions.Notices.Where(n => n.Reason == ReasonIgnoredAnnotation).Select(n => n.Message).ToArray();
        _ignoredAnnotations.TryGetValue(key, out var told);
        if (ignored.Length == 0)
        {
            _ignoredAnnotations.TryRemove(key, out _);
        }
        else
        {
            _ignoredAnnotations[key] = ignored;
        }

        foreach (var notice in revisions.Notices)
        {
            if (notice.Reason == ReasonIgnoredAnnotation && told?.Contains(notice.Message, StringComparer.Ordinal) == true)
            {
                continue; // said when the value appeared; a canary reconciles every analysis interval
            }

            if (notice.Warning)
            {
                events.Warning(md, notice.Reason, notice.Message);
            }
            else
            {
                events.Normal(md, notice.Reason, notice.Message);
            }
        }

        if (revisions.RolledBack is { } rolledBack)
        {
            logger.LogWarning("Canary revision {Revision} (model version {Version}) rolled back ({Cause}): {Message}",
                rolledBack.Revision, rolledBack.Version, rolledBack.Cause, rolledBack.Message);
            events.Warning(md, rolledBack.Cause.ToString(), rolledBack.Message);
            Metrics?.Rollback(md.Metadata.NamespaceProperty, md.Metadata.Name, rolledBack.Cause.ToString());
        }
        else if (revisions.Failed is { Available: not null })
        {
            Metrics?.Rollback(md.Metadata.NamespaceProperty, md.Metadata.Name, ReasonProgressDeadlineExceeded);
        }

    }

    /// <summary>Applies only spec.replicas of the new stable under a field manager of its own (see <see cref="HandOverFieldManager"/>).</summary>
    private Task HandOverReplicasAsync(V1Deployment stable, int replicas, CancellationToken ct) => client.ApplyWithoutResultAsync(
        new V1Deployment
        {
            ApiVersion = stable.ApiVersion,
            Kind = stable.Kind,
            Metadata = new V1ObjectMeta { Name = stable.Metadata.Name, NamespaceProperty = stable.Metadata.NamespaceProperty },
            Spec = new V1DeploymentSpec { Replicas = replicas },
        },
        new ApplyOptions(HandOverFieldManager, Force: true),
        ct);

    /// <summary>
    /// A no-surge plan for a canary that does not fit next to the stable (<see cref="QuotaPlanner.PlanCanary"/>): only
    /// with fixed replicas (an HPA would scale the stable straight back), and only when shrinking the stable makes room.
    /// </summary>
    private CanaryCapacityPlan? NoSurge(Md md, RevisionDecision revisions, DesiredState desired, ObservedState observed)
    {
        if (revisions.Incoming is not { } canary || revisions.Canary is null || md.Spec.Autoscaling is not null)
        {
            return null;
        }

        var index = desired.Revisions.ToList().IndexOf(canary);
        if (index < 0 || desired.StableDeployment.Spec?.Template?.Spec is not { } stablePod
            || desired.Deployments[index].Spec?.Template?.Spec is not { } canaryPod)
        {
            return null;
        }

        // Pods a plan already in force made room for are admitted as the stable's terminate: only pods beyond those need new room.
        var full = md.Spec.Replicas ?? defaults.Replicas;
        var stableNow = revisions.Stable.Replicas ?? observed.CurrentReplicas(revisions.Stable.Hash);
        var inForce = revisions.Canary?.StableReplicas is int reduced ? full - reduced : 0;
        var add = (canary.Replicas ?? 0) - Math.Max(observed.CurrentReplicas(canary.Hash), inForce);
        if (add <= 0)
        {
            return inForce > 0
                ? new CanaryCapacityPlan(CanaryCapacityMode.NoSurge, stableNow, canary.Replicas ?? 0, QuotaCheck.Fitting,
                    NoSurgeMessage(full, stableNow))
                : null;
        }

        var plan = QuotaPlanner.PlanCanary(stablePod, stableNow, canaryPod, add, 1, caches.Quotas.ListReadOnly(md.Metadata.NamespaceProperty));
        return plan.Mode != CanaryCapacityMode.NoSurge ? null
            : plan with { Reason = NoSurgeMessage(full, plan.StableReplicas) };
    }

    private static string NoSurgeMessage(int full, int reduced) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no quota room for canary pods next to the stable: canary fits once stable shrinks from {full} to {reduced}");

    private static CanaryStatus? WithStableReplicas(CanaryStatus? canary, int replicas)
    {
        if (canary is null)
        {
            return null;
        }

        var copy = KubeJson.DeepCopy(canary);
        copy.StableReplicas = replicas;
        return copy;
    }

    private QuotaCheck CheckQuota(Md md, DesiredState desired, ObservedState observed)
    {
        var quotas = caches.Quotas.ListReadOnly(md.Metadata.NamespaceProperty);
        if (quotas.Count == 0)
        {
            return QuotaCheck.Fitting;
        }

        // Pods already running are in the quota's "used"; only the pods this pass would add need room.
        var demands = DesiredStateDemand.Additional(desired, observed);
        return demands.Count == 0 ? QuotaCheck.Fitting : QuotaPlanner.Check(demands, quotas, DesiredStateDemand.Released(desired, observed));
    }

    /// <summary>
    /// Applies every child whose live state does not already hold what we want. The applies are independent
    /// (server-side apply needs no read-modify-write), so they go out together, in two waves: first everything that
    /// adds pods or moves traffic, then the scale-downs of retiring revisions. On a promotion under NginxIngress routing
    /// the Service {name} moves to the new stable before the old stable's pods start terminating, so it never has a
    /// moment without ready endpoints; the canary Ingress and Service go afterwards (stale deletion), by which time
    /// {name} already reaches the same pods they did.
    /// </summary>
    private async Task<int> ApplyChildrenAsync(Md md, DesiredState desired, CancellationToken ct)
    {
        var pending = new List<Task>();
        var scaleDowns = new List<V1Deployment>();
        for (var i = 0; i < desired.Deployments.Count; i++)
        {
            var deployment = desired.Deployments[i];
            var live = caches.Deployments.GetReadOnly(deployment.Metadata.NamespaceProperty, deployment.Metadata.Name!);
            if (!LiveState.Covers(live, deployment))
            {
                if (live is null)
                {
                    var revision = deployment.GetLabel(ModelDeploymentLabels.Revision) ?? "";
                    events.Normal(md, ReasonNewRevision, NewRevisionMessage(revision, deployment.GetLabel(ModelDeploymentLabels.Version) ?? md.Spec.Model.Version));
                }

                if (desired.Revisions[i].Role == RevisionRole.Retiring)
                {
                    scaleDowns.Add(deployment);
                }
                else
                {
                    pending.Add(client.ApplyWithoutResultAsync(deployment, Apply, ct));
                }
            }
        }

        foreach (var service in new[] { desired.Service, desired.CanaryService })
        {
            if (service is not null)
            {
                ApplyIfChanged(caches.Services, service, pending, ct, SameSelector);
            }
        }

        foreach (var ingress in new[] { desired.Ingress, desired.CanaryIngress })
        {
            if (ingress is not null)
            {
                ApplyIfChanged(caches.Ingresses, ingress, pending, ct);
            }
        }

        if (desired.HorizontalPodAutoscaler is { } hpa)
        {
            ApplyIfChanged(caches.Autoscalers, hpa, pending, ct);
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        await Task.WhenAll(scaleDowns.Select(d => client.ApplyWithoutResultAsync(d, Apply, ct))).ConfigureAwait(false);
        return pending.Count + scaleDowns.Count;
    }

    /// <summary>
    /// A selector must match exactly, not only cover: the revision key dropped when routing changes from NginxIngress to
    /// ReplicaRatio still has to reach the API (server-side apply then removes it, as our field manager owns it).
    /// </summary>
    private static bool SameSelector(V1Service live, V1Service desired) =>
        (live.Spec?.Selector ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal)
            .SequenceEqual((desired.Spec?.Selector ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal));

    private void ApplyIfChanged<T>(Informer<T> cache, T desired, List<Task> pending, CancellationToken ct, Func<T, T, bool>? alsoSame = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var live = cache.GetReadOnly(desired.Metadata.NamespaceProperty, desired.Metadata.Name!);
        if (!LiveState.Covers(live, desired) || (alsoSame is not null && !alsoSame(live!, desired)))
        {
            pending.Add(client.ApplyWithoutResultAsync(desired, Apply, ct));
        }
    }

    /// <summary>Deletes every owned child (of every kind in <see cref="OperatorKinds.Owned"/>) the desired state no longer has.</summary>
    private async Task<int> DeleteStaleChildrenAsync(Md md, DesiredState desired, CancellationToken ct)
    {
        var keep = desired.Objects.Select(o => (o.Kind, o.Metadata.Name)).ToHashSet();
        var deleted = 0;
        foreach (var kind in caches.Owned)
        {
            foreach (var child in kind.Children(md.Metadata.Uid ?? "").Where(c => !keep.Contains((c.Kind, c.Metadata.Name))))
            {
                try
                {
                    await kind.DeleteAsync(client, child,
                        new DeleteOptions { PropagationPolicy = PropagationPolicy.Background, PreconditionUid = child.Metadata.Uid }, ct).ConfigureAwait(false);
                    deleted++;
                }
                catch (NotFoundException)
                {
                    // already gone: exactly what we wanted
                }
            }
        }

        return deleted;
    }

    /// <summary>Writes status only when it differs, and records an Event for every condition that flipped.</summary>
    private async Task WriteStatusAsync(Md md, ModelDeploymentStatus status, CancellationToken ct)
    {
        // Same bytes is the common case (a pass that changes nothing) and settles it without building JSON trees; the
        // trees only decide what differing bytes mean (fields in another order are still the same status).
        var beforeJson = JsonSerializer.SerializeToUtf8Bytes(md.Status ?? new ModelDeploymentStatus(), KubeJson.Info<ModelDeploymentStatus>());
        var afterJson = JsonSerializer.SerializeToUtf8Bytes(status, KubeJson.Info<ModelDeploymentStatus>());
        if (beforeJson.AsSpan().SequenceEqual(afterJson))
        {
            return;
        }

        var before = JsonNode.Parse(beforeJson);
        var after = JsonNode.Parse(afterJson);
        if (JsonNode.DeepEquals(before, after))
        {
            return;
        }

        // A merge patch of the whole status: no resourceVersion precondition to trip over, and explicit nulls
        // remove fields the new status no longer has, at any depth (a finished canary, a step's cleared inconclusiveSince).
        var patchStatus = after!.AsObject();
        NullRemovedFields(before!.AsObject(), patchStatus);

        var body = new JsonObject { ["status"] = patchStatus }.ToJsonString();
        await client.PatchWithoutResultAsync<Md>(md.Metadata.Name!, md.Metadata.NamespaceProperty, new V1Patch(body, V1Patch.PatchType.MergePatch), "status", ct).ConfigureAwait(false);
        if (md.Metadata.ResourceVersion is { } writtenOver)
        {
            _written[(md.Metadata.NamespaceProperty ?? "", md.Metadata.Name)] = (writtenOver, KubeJson.DeepCopy(status));
            // The watch event of this write may have reached the cache before the line above: then no update follows
            // to forget it, so look now.
            if (caches.ModelDeployments.GetReadOnly(md.Metadata.NamespaceProperty, md.Metadata.Name!) is { } cached)
            {
                ForgetWrittenStatus(cached, onlyIfNewer: true);
            }
        }

        RecordTransitions(md, md.Status?.Conditions, status.Conditions);
        if (md.Status?.StableRevision is { Length: > 0 } previous && status.StableRevision is { } current && previous != current)
        {
            logger.LogInformation("Revision {Revision} (model version {Version}) promoted to stable, replacing {PreviousRevision}", current, status.StableVersion, previous);
            events.Normal(md, ReasonPromoted, PromotedMessage(status.StableVersion ?? ""));
        }
    }

    /// <summary>Marks with null every field of <paramref name="before"/> that <paramref name="after"/> lacks, recursing into objects both have (merge patch semantics).</summary>
    private static void NullRemovedFields(JsonObject before, JsonObject after)
    {
        foreach (var (key, value) in before)
        {
            if (!after.TryGetPropertyValue(key, out var now) || now is null)
            {
                after[key] = null;
            }
            else if (value is JsonObject b && now is JsonObject a)
            {
                NullRemovedFields(b, a);
            }
        }
    }

    private void RecordTransitions(Md md, IReadOnlyList<V1Condition>? before, IReadOnlyList<V1Condition>? after)
    {
        foreach (var condition in after ?? [])
        {
            var previous = before?.FirstOrDefault(c => c.Type == condition.Type);
            if (previous is not null && previous.Status == condition.Status && previous.Reason == condition.Reason)
            {
                continue;
            }

            switch (condition.Type, condition.Status, condition.Reason)
            {
                case (Ready, True, _):
                    events.Normal(md, condition.Reason, condition.Message);
                    break;
                case (Ready, False, ReasonInvalidSpec):
                    events.Warning(md, ReasonInvalidSpec, condition.Message);
                    break;
                case (Degraded, True, ReasonProgressDeadlineExceeded):
                    events.Warning(md, ReasonProgressDeadlineExceeded, condition.Message);
                    break;
                case (QuotaExceeded, True, _):
                    events.Warning(md, condition.Reason, condition.Message);
                    break;
                case (QuotaExceeded, False, _) when previous?.Status == True:
                    events.Normal(md, condition.Reason, "quota available again: children applied");
                    break;
            }
        }
    }
}
