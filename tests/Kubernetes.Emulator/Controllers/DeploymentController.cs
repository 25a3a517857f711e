using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Controllers;

/// <summary>
/// kube's Deployment controller, simulated (pkg/controller/deployment): one ReplicaSet per pod template
/// ({deployment}-{pod-template-hash}, revision annotations), RollingUpdate within maxSurge/maxUnavailable, Recreate,
/// old ReplicaSets pruned past revisionHistoryLimit, and status (replicas, updated/ready/available/unavailable,
/// Available, Progressing with ProgressDeadlineExceeded, ReplicaFailure copied from the new ReplicaSet).
/// Simulation shortcut: a CrashLoopBackOff pod in the new ReplicaSet marks the rollout ProgressDeadlineExceeded at once.
/// </summary>
internal sealed class DeploymentController(ApiCore core, SimulatedControllers owner, ReplicaSetController replicaSets, EventRecorder events) : IDisposable
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string DesiredAnnotation = "deployment.kubernetes.io/desired-replicas";
    private const string MaxAnnotation = "deployment.kubernetes.io/max-replicas";
    private const string Component = "deployment-controller";
    private readonly ConcurrentDictionary<string, PodStates> _driven = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _ports = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ITimer> _timers = new(StringComparer.Ordinal);
    private static readonly WriteOptions Internal = new(Internal: true);

    public void Drive(string ns, string name, PodStates? states)
    {
        if (states is null) _driven.TryRemove(ns + "/" + name, out _);
        else _driven[ns + "/" + name] = states;
    }

    public void SetPort(string ns, string name, int port) => _ports[ns + "/" + name] = port;

    /// <summary>ReplicaSets whose controller is this Deployment.</summary>
    private List<StoredObject> Owned(StoredObject deployment) =>
        [.. core.Store.ListOwnedBy(BuiltInTypes.ReplicaSets.StorageKey, deployment.Namespace, deployment.Uid).Where(rs => ControllerUid(rs) == deployment.Uid)];

    /// <summary>The uid of the object's controller owner (ownerReference with controller: true).</summary>
    public static string? ControllerUid(StoredObject o) =>
        Json.At(o.Root, "metadata", "ownerReferences") is { ValueKind: System.Text.Json.JsonValueKind.Array } refs
        && refs.EnumerateArray().FirstOrDefault(r => Json.At(r, "controller")?.ValueKind == System.Text.Json.JsonValueKind.True) is { ValueKind: System.Text.Json.JsonValueKind.Object } r
            ? Json.String(Json.At(r, "uid"))
            : null;

    private static long Revision(StoredObject rs) =>
        long.TryParse(Json.String(Json.At(rs.Root, "metadata", "annotations", RevisionAnnotation)), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0;

    private static int SpecReplicas(StoredObject o) => (int)(Json.Long(Json.At(o.Root, "spec", "replicas")) ?? 1);

    public void Reconcile(string ns, string name)
    {
        var deployment = core.TryGet(BuiltInTypes.Deployments, ns, name);
        if (deployment is null || deployment.Deleting) return;
        var node = deployment.ToNode();
        var key = ns + "/" + name;
        var desired = (int)(Json.Long(node["spec"], "replicas") ?? 1);
        var template = node["spec"]?["template"] as JsonObject ?? new JsonObject();
        var hash = TemplateHash(template);
        var recreate = Json.String(node["spec"]?["strategy"], "type") == "Recreate";
        var maxSurge = recreate ? 0 : Percent(node["spec"]?["strategy"]?["rollingUpdate"]?["maxSurge"], desired, roundUp: true);
        var maxUnavailable = recreate ? 0 : Percent(node["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"], desired, roundUp: false);
        if (!recreate && maxSurge == 0 && maxUnavailable == 0) maxUnavailable = 1;
        if (desired == 0) maxUnavailable = 0;
        var paused = node["spec"]?["paused"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;
        var now = core.Time.GetUtcNow();
        var delay = owner.PodReadyDelay;
        _driven.TryGetValue(key, out var driven);
        int? port = _ports.TryGetValue(key, out var p) ? p : null;

        var owned = Owned(deployment);
        var newRs = owned.FirstOrDefault(rs => rs.Labels.TryGetValue("pod-template-hash", out var h) && h == hash);
        var maxRevision = owned.Count == 0 ? 0 : owned.Max(Revision);
        var createdNew = false;
        if (newRs is null && !paused)
        {
            newRs = CreateReplicaSet(deployment, node, template, hash, maxRevision + 1, desired + maxSurge);
            if (newRs is null) return;
            createdNew = true;
        }
        else if (newRs is not null && Revision(newRs) < maxRevision)
            newRs = Annotate(newRs, new() { [RevisionAnnotation] = (maxRevision + 1).ToString(CultureInfo.InvariantCulture) }) ?? newRs;
        var minReadySeconds = Json.Long(node["spec"], "minReadySeconds") ?? 0;
        if (newRs is not null && (Json.Long(Json.At(newRs.Root, "spec", "minReadySeconds")) ?? 0) != minReadySeconds)
        {
            var rsNode = newRs.ToNode();
            rsNode["spec"]!["minReadySeconds"] = minReadySeconds;
            try { newRs = core.Update(BuiltInTypes.ReplicaSets, newRs.Namespace, newRs.Name, rsNode, Internal, null).Object; }
            catch (ApiError) { }
        }
        var olds = owned.Where(rs => newRs is null || rs.Uid != newRs.Uid).OrderBy(Revision).ToList();

        // Availability as it is before this pass scales anything.
        int Available(StoredObject rs, PodStates? d) => replicaSets.Availability(rs, replicaSets.States(replicaSets.Pods(rs), d, delay, now), now).Available;
        var scaled = new Dictionary<string, int>(StringComparer.Ordinal);
        void Scale(StoredObject rs, int to)
        {
            var from = SpecReplicas(rs);
            scaled[rs.Uid] = to;
            if (from == to) return;
            var rsNode = rs.ToNode();
            rsNode["spec"]!["replicas"] = to;
            var annotations = Json.Object(Json.Object(rsNode, "metadata"), "annotations");
            if (rs == newRs || to > 0)
            {
                annotations[DesiredAnnotation] = desired.ToString(CultureInfo.InvariantCulture);
                annotations[MaxAnnotation] = (desired + maxSurge).ToString(CultureInfo.InvariantCulture);
            }
            try
            {
                core.Update(BuiltInTypes.ReplicaSets, rs.Namespace, rs.Name, rsNode, Internal, null);
                events.Record(deployment, BuiltInTypes.Deployments, Component, "Normal", "ScalingReplicaSet",
                    $"Scaled {(to > from ? "up" : "down")} replica set {rs.Name} from {from} to {to}");
            }
            catch (ApiError) { }
        }
        int Replicas(StoredObject rs) => scaled.TryGetValue(rs.Uid, out var r) ? r : SpecReplicas(rs);

        if (newRs is not null && !paused)
        {
            if (recreate)
            {
                foreach (var old in olds.Where(o => SpecReplicas(o) > 0)) Scale(old, 0);
                var oldPods = olds.Sum(o => replicaSets.Pods(o).Count);
                if (oldPods == 0) Scale(newRs, desired);
            }
            else
            {
                // reconcileNewReplicaSet
                var newReplicas = SpecReplicas(newRs);
                if (newReplicas > desired) Scale(newRs, desired);
                else if (newReplicas < desired)
                {
                    var current = SpecReplicas(newRs) + olds.Sum(SpecReplicas);
                    var up = Math.Min(Math.Max(0, desired + maxSurge - current), desired - newReplicas);
                    if (up > 0) Scale(newRs, newReplicas + up);
                }
                // reconcileOldReplicaSets: never below desired - maxUnavailable available pods.
                var minAvailable = desired - maxUnavailable;
                var newAvailable = Available(newRs, driven);
                var newUnavailable = Replicas(newRs) - newAvailable;
                var all = Replicas(newRs) + olds.Sum(Replicas);
                var maxScaleDown = all - minAvailable - newUnavailable;
                if (maxScaleDown > 0)
                {
                    // First the old pods that are not available anyway, then available ones down to the minimum.
                    foreach (var old in olds)
                    {
                        if (maxScaleDown <= 0) break;
                        var unhealthy = Replicas(old) - Available(old, null);
                        var cut = Math.Min(Math.Min(unhealthy, maxScaleDown), Replicas(old));
                        if (cut <= 0) continue;
                        Scale(old, Replicas(old) - cut);
                        maxScaleDown -= cut;
                    }
                    var availableNow = newAvailable + olds.Sum(o => Math.Min(Replicas(o), Available(o, null)));
                    var budget = availableNow - minAvailable;
                    foreach (var old in olds)
                    {
                        if (budget <= 0) break;
                        var cut = Math.Min(Replicas(old), budget);
                        if (cut <= 0) continue;
                        Scale(old, Replicas(old) - cut);
                        budget -= cut;
                    }
                }
            }
        }
        else if (paused && newRs is not null && olds.All(o => SpecReplicas(o) == 0) && SpecReplicas(newRs) != desired) Scale(newRs, desired);

        // Every ReplicaSet's pods follow its (possibly new) spec.replicas.
        owned = Owned(deployment);
        newRs = newRs is null ? null : owned.FirstOrDefault(rs => rs.Uid == newRs.Uid);
        var stats = new Dictionary<string, ReplicaSetController.Stats>(StringComparer.Ordinal);
        DateTimeOffset? nextDue = null;
        foreach (var rs in owned)
        {
            var isNew = newRs is not null && rs.Uid == newRs.Uid;
            var s = replicaSets.Sync(rs, isNew ? driven : null, port, delay);
            stats[rs.Uid] = s;
            if (s.NextReady is { } due && (nextDue is null || due < nextDue)) nextDue = due;
        }
        CleanupHistory(node, owned, newRs);

        var newStats = newRs is not null && stats.TryGetValue(newRs.Uid, out var ns2) ? ns2 : new ReplicaSetController.Stats(0, 0, 0, 0, null, null);
        var total = stats.Values.Sum(s => s.Replicas);
        var ready = stats.Values.Sum(s => s.Ready);
        var available = stats.Values.Sum(s => s.Available);
        var specTotal = owned.Sum(SpecReplicas);
        var deadline = UpdateStatus(deployment, node, desired, maxUnavailable, total, newStats.Replicas, ready, available, specTotal, newStats.Failing,
            newRs?.Name ?? $"{name}-{hash}", createdNew, newStats.FailureMessage, paused, newRs is null ? null : Revision(newRs).ToString(CultureInfo.InvariantCulture), now);
        if (deadline is { } dl && (nextDue is null || dl < nextDue)) nextDue = dl;
        if (nextDue is { } when) Schedule(key, ns, name, when - now);
    }

    private StoredObject? CreateReplicaSet(StoredObject deployment, JsonObject node, JsonObject template, string hash, long revision, int maxReplicas)
    {
        var rsTemplate = (JsonObject)template.DeepClone();
        var templateMeta = Json.Object(rsTemplate, "metadata");
        Json.Object(templateMeta, "labels")["pod-template-hash"] = hash;
        var labels = (JsonObject)templateMeta["labels"]!.DeepClone();
        var selector = node["spec"]?["selector"]?.DeepClone() as JsonObject ?? new JsonObject();
        Json.Object(selector, "matchLabels")["pod-template-hash"] = hash;
        var annotations = new JsonObject();
        if (node["metadata"]?["annotations"] is JsonObject da)
            foreach (var (k, v) in da)
                if (k is not ("kubectl.kubernetes.io/last-applied-configuration" or RevisionAnnotation)) annotations[k] = v?.DeepClone();
        var desired = (int)(Json.Long(node["spec"], "replicas") ?? 1);
        annotations[DesiredAnnotation] = desired.ToString(CultureInfo.InvariantCulture);
        annotations[MaxAnnotation] = maxReplicas.ToString(CultureInfo.InvariantCulture);
        annotations[RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture);
        var spec = new JsonObject { ["replicas"] = 0, ["selector"] = selector, ["template"] = rsTemplate };
        if (node["spec"]?["minReadySeconds"] is { } mrs) spec["minReadySeconds"] = mrs.DeepClone();
        var rs = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{deployment.Name}-{hash}",
                ["namespace"] = deployment.Namespace,
                ["labels"] = labels,
                ["annotations"] = annotations,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = deployment.Name, ["uid"] = deployment.Uid,
                    ["controller"] = true, ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = spec,
        };
        try { return core.Create(BuiltInTypes.ReplicaSets, deployment.Namespace, rs, Internal).Object; }
        catch (ApiError) { return core.TryGet(BuiltInTypes.ReplicaSets, deployment.Namespace, $"{deployment.Name}-{hash}"); }
    }

    private StoredObject? Annotate(StoredObject rs, Dictionary<string, string> values)
    {
        var rsNode = rs.ToNode();
        var annotations = Json.Object(Json.Object(rsNode, "metadata"), "annotations");
        foreach (var (k, v) in values) annotations[k] = v;
        try { return core.Update(BuiltInTypes.ReplicaSets, rs.Namespace, rs.Name, rsNode, Internal, null).Object; }
        catch (ApiError) { return null; }
    }

    /// <summary>Old ReplicaSets scaled to zero with no pods left, beyond revisionHistoryLimit, oldest first, are deleted.</summary>
    private void CleanupHistory(JsonObject node, List<StoredObject> owned, StoredObject? newRs)
    {
        var limit = (int)(Json.Long(node["spec"], "revisionHistoryLimit") ?? 10);
        var idle = owned.Where(rs => (newRs is null || rs.Uid != newRs.Uid) && SpecReplicas(rs) == 0 && replicaSets.Pods(rs).Count == 0)
            .OrderBy(Revision).ToList();
        foreach (var rs in idle.Take(Math.Max(0, idle.Count - limit)))
        {
            try { core.Delete(BuiltInTypes.ReplicaSets, rs.Namespace, rs.Name, new DeleteRequest("Background")); }
            catch (ApiError) { }
        }
    }

    private void Schedule(string key, string ns, string name, TimeSpan due)
    {
        var timer = core.Time.CreateTimer(_ => owner.Resync(ns, name), null, due < TimeSpan.Zero ? TimeSpan.Zero : due + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        if (_timers.TryGetValue(key, out var old)) old.Dispose();
        _timers[key] = timer;
    }

    /// <summary>Writes status; returns when the progress deadline would pass if the rollout is still going.</summary>
    private DateTimeOffset? UpdateStatus(StoredObject deployment, JsonObject node, int desired, int maxUnavailable, int total, int updated, int ready, int available,
        int specTotal, int failing, string replicaSet, bool createdNew, string? failure, bool paused, string? revision, DateTimeOffset now)
    {
        var oldStatus = node["status"] as JsonObject;
        var oldConditions = oldStatus?["conditions"] as JsonArray;
        JsonObject? Old(string type) => oldConditions?.FirstOrDefault(c => Json.String(c, "type") == type) as JsonObject;
        JsonObject Condition(string type, string status, string reason, string message, bool touched)
        {
            var old = Old(type);
            var same = old is not null && Json.String(old, "status") == status;
            var sameReason = same && Json.String(old, "reason") == reason && !touched;
            return new JsonObject
            {
                ["type"] = type, ["status"] = status,
                ["lastUpdateTime"] = sameReason ? Json.String(old, "lastUpdateTime") : Json.Rfc3339(now),
                ["lastTransitionTime"] = same ? Json.String(old, "lastTransitionTime") : Json.Rfc3339(now),
                ["reason"] = reason, ["message"] = message,
            };
        }
        var observedGeneration = Json.Long(node["metadata"], "generation") ?? 1;
        var complete = updated == desired && total == desired && available >= desired && specTotal == desired;
        var progressed = createdNew
            || updated > (Json.Long(oldStatus, "updatedReplicas") ?? 0)
            || ready > (Json.Long(oldStatus, "readyReplicas") ?? 0)
            || available > (Json.Long(oldStatus, "availableReplicas") ?? 0)
            || total - updated < (Json.Long(oldStatus, "replicas") ?? 0) - (Json.Long(oldStatus, "updatedReplicas") ?? 0);
        var progressDeadline = Json.Long(node["spec"], "progressDeadlineSeconds") ?? 600;
        var oldProgressing = Old("Progressing");
        var newRolloutStarted = Json.String(oldProgressing, "message") is { } m && !m.Contains($"\"{replicaSet}\"", StringComparison.Ordinal);
        JsonObject progressing;
        DateTimeOffset? deadline = null;
        if (paused)
            progressing = Condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", touched: false);
        else if (complete)
            progressing = Condition("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{replicaSet}\" has successfully progressed.", touched: false);
        else if (failing > 0)
            progressing = Condition("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{replicaSet}\" has timed out progressing.", touched: false);
        else if (progressed || newRolloutStarted || oldProgressing is null || Json.String(oldProgressing, "reason") is "NewReplicaSetAvailable" or "DeploymentPaused")
        {
            progressing = Condition("Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{replicaSet}\" is progressing.", touched: true);
            deadline = now + TimeSpan.FromSeconds(progressDeadline);
        }
        else if (Json.String(oldProgressing, "reason") == "ProgressDeadlineExceeded")
            progressing = (JsonObject)oldProgressing.DeepClone();
        else
        {
            var lastUpdate = DateTimeOffset.Parse(Json.String(oldProgressing, "lastUpdateTime") ?? Json.Rfc3339(now), CultureInfo.InvariantCulture);
            if (lastUpdate + TimeSpan.FromSeconds(progressDeadline) <= now)
                progressing = Condition("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{replicaSet}\" has timed out progressing.", touched: false);
            else
            {
                progressing = (JsonObject)oldProgressing.DeepClone();
                deadline = lastUpdate + TimeSpan.FromSeconds(progressDeadline);
            }
        }
        var conditions = new JsonArray(
            available >= desired - maxUnavailable
                ? Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", touched: false)
                : Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", touched: false),
            progressing);
        if (failure is not null) conditions.Add(Condition("ReplicaFailure", "True", "FailedCreate", failure, touched: false));
        var status = new JsonObject
        {
            ["observedGeneration"] = observedGeneration,
            ["replicas"] = total,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = Math.Max(0, specTotal - available),
            ["conditions"] = conditions,
        };
        foreach (var k in new[] { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas" })
            if ((int)status[k]! == 0) status.Remove(k);
        if (oldStatus?["collisionCount"] is { } cc) status["collisionCount"] = cc.DeepClone();
        var annotations = node["metadata"]?["annotations"] as JsonObject;
        var revisionChanged = revision is not null && Json.String(annotations, RevisionAnnotation) != revision;
        if (!revisionChanged && JsonNode.DeepEquals(Json.Canonical(oldStatus), Json.Canonical(status))) return deadline;
        if (revisionChanged) Json.Object(Json.Object(node, "metadata"), "annotations")[RevisionAnnotation] = revision;
        node["status"] = status;
        try { core.Update(BuiltInTypes.Deployments, deployment.Namespace, deployment.Name, node, Internal, "status"); }
        catch (ApiError) { }
        return deadline;
    }

    private static int Percent(JsonNode? value, int total, bool roundUp)
    {
        if (value is null) return roundUp ? (int)Math.Ceiling(total * 0.25) : (int)Math.Floor(total * 0.25);
        var text = value.ToString();
        if (text.EndsWith('%') && int.TryParse(text[..^1], out var pct))
            return roundUp ? (int)Math.Ceiling(total * pct / 100.0) : (int)Math.Floor(total * pct / 100.0);
        return int.TryParse(text, out var n) ? n : 0;
    }

    /// <summary>A stable 10-character hash of the pod template in kube's safe alphabet, like pod-template-hash.</summary>
    public static string TemplateHash(JsonObject template)
    {
        var bytes = Encoding.UTF8.GetBytes(Json.Serialize(Json.Canonical(template)));
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var sb = new StringBuilder(10);
        for (var i = 0; i < 10; i++)
        {
            sb.Append(alphabet[(int)(hash % (ulong)alphabet.Length)]);
            hash /= (ulong)alphabet.Length;
        }
        return sb.ToString();
    }

    public void Dispose()
    {
        foreach (var t in _timers.Values) t.Dispose();
        _timers.Clear();
    }
}
