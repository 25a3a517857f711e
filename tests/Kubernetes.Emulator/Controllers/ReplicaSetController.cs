using System.Globalization;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Controllers;

/// <summary>
/// kube's ReplicaSet controller, simulated: Pods {replicaset}-{n} (lowest free n) owned by the ReplicaSet, the surplus
/// deleted (unready and highest n first), a create refused by quota admission recorded as the ReplicaSet's
/// ReplicaFailure condition and a FailedCreate event, and status counted from the pods. Pods carry podIP 127.0.0.1
/// and turn Ready <see cref="SimulatedControllers.PodReadyDelay"/> after creation unless a test drives them.
/// </summary>
internal sealed class ReplicaSetController(ApiCore core, EventRecorder events, Kubelet.RealPodKubelet? realPods = null)
{
    private static readonly WriteOptions Internal = new(Internal: true);
    private const string Component = "replicaset-controller";

    public enum PodState { Ready, Unready, Failing }

    /// <summary>What a sync saw: pod counts after it, and when the next pod turns Ready by time.</summary>
    public sealed record Stats(int Replicas, int Ready, int Available, int Failing, DateTimeOffset? NextReady, string? FailureMessage);

    /// <summary>The ReplicaSet's live pods (not being deleted), in index order.</summary>
    public List<StoredObject> Pods(StoredObject rs) =>
        [.. core.Store.ListOwnedBy(BuiltInTypes.Pods.StorageKey, rs.Namespace, rs.Uid).Where(p => !p.Deleting).OrderBy(p => Index(rs, p))];

    private static int Index(StoredObject rs, StoredObject pod) =>
        pod.Name.StartsWith(rs.Name + "-", StringComparison.Ordinal)
        && int.TryParse(pod.Name[(rs.Name.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;

    /// <summary>The readiness each pod has now: driven states for the first pods when given, else ready once the delay has passed.</summary>
    public List<(StoredObject Pod, PodState State, DateTimeOffset? Due)> States(IReadOnlyList<StoredObject> pods, PodStates? driven, TimeSpan delay, DateTimeOffset now)
    {
        var result = new List<(StoredObject, PodState, DateTimeOffset?)>(pods.Count);
        for (var i = 0; i < pods.Count; i++)
        {
            if (realPods?.StateOf(pods[i]) is { } real)
            {
                result.Add((pods[i], real, null));
                continue;
            }
            if (driven is not null)
            {
                var state = i < driven.Ready ? PodState.Ready : i < driven.Ready + driven.Unready ? PodState.Unready : i < driven.Ready + driven.Unready + driven.Failing ? PodState.Failing : PodState.Unready;
                result.Add((pods[i], state, null));
                continue;
            }
            var created = DateTimeOffset.Parse(Json.String(Json.At(pods[i].Root, "metadata", "creationTimestamp"))!, CultureInfo.InvariantCulture);
            var due = created + delay;
            result.Add(due <= now ? (pods[i], PodState.Ready, null) : (pods[i], PodState.Unready, due));
        }
        return result;
    }

    /// <summary>
    /// Pods that are available: Ready for at least the ReplicaSet's minReadySeconds (the Ready condition's
    /// lastTransitionTime as stored; a pod turning Ready in this pass counts from now). Also when the next one will be.
    /// </summary>
    public (int Available, DateTimeOffset? Next) Availability(StoredObject rs, IEnumerable<(StoredObject Pod, PodState State, DateTimeOffset? Due)> states, DateTimeOffset now)
    {
        var minReady = TimeSpan.FromSeconds(Json.Long(Json.At(rs.Root, "spec", "minReadySeconds")) ?? 0);
        int available = 0;
        DateTimeOffset? next = null;
        foreach (var (pod, state, _) in states)
        {
            if (state != PodState.Ready) continue;
            if (minReady == TimeSpan.Zero)
            {
                available++;
                continue;
            }
            var ready = Json.At(pod.Root, "status", "conditions") is { ValueKind: System.Text.Json.JsonValueKind.Array } conditions
                ? conditions.EnumerateArray().FirstOrDefault(c => Json.String(Json.At(c, "type")) == "Ready" && Json.String(Json.At(c, "status")) == "True")
                : default;
            var since = ready.ValueKind == System.Text.Json.JsonValueKind.Object && Json.String(Json.At(ready, "lastTransitionTime")) is { } t ? DateTimeOffset.Parse(t, CultureInfo.InvariantCulture) : now;
            if (since + minReady <= now) available++;
            else if (next is null || since + minReady < next) next = since + minReady;
        }
        return (available, next);
    }

    /// <summary>Creates or deletes pods to match spec.replicas, writes pod and ReplicaSet status.</summary>
    public Stats Sync(StoredObject rs, PodStates? driven, int? port, TimeSpan delay)
    {
        var node = rs.ToNode();
        var desired = (int)(Json.Long(node["spec"], "replicas") ?? 1);
        var pods = Pods(rs);
        var now = core.Time.GetUtcNow();
        string? failure = null;
        if (pods.Count > desired)
        {
            var states = States(pods, driven, delay, now);
            // kube deletes not-ready pods before ready ones, then the youngest.
            var victims = states.OrderBy(s => s.State == PodState.Ready ? 1 : 0).ThenByDescending(s => Index(rs, s.Pod)).Take(pods.Count - desired).Select(s => s.Pod).ToList();
            foreach (var pod in victims)
            {
                try
                {
                    core.Delete(BuiltInTypes.Pods, pod.Namespace, pod.Name, new DeleteRequest("Background"));
                    events.Record(rs, BuiltInTypes.ReplicaSets, Component, "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Name}");
                }
                catch (ApiError) { }
            }
        }
        else if (pods.Count < desired)
        {
            var next = 0;
            for (var created = pods.Count; created < desired; created++)
            {
                // The lowest index no pod in the namespace has (terminating ones included): a lookup per candidate name.
                while (core.Store.Get(BuiltInTypes.Pods.StorageKey, rs.Namespace, $"{rs.Name}-{next}") is not null) next++;
                var name = $"{rs.Name}-{next++}";
                try
                {
                    core.Create(BuiltInTypes.Pods, rs.Namespace, PodFor(rs, node, name, port), Internal);
                    events.Record(rs, BuiltInTypes.ReplicaSets, Component, "Normal", "SuccessfulCreate", $"Created pod: {name}");
                }
                catch (ApiError e) when (e.Code == 403)
                {
                    failure = e.Message;
                    events.Record(rs, BuiltInTypes.ReplicaSets, Component, "Warning", "FailedCreate", $"Error creating: {e.Message}");
                    break;
                }
                catch (ApiError) { break; }
            }
        }

        pods = Pods(rs);
        int ready = 0, failing = 0;
        DateTimeOffset? nextReady = null;
        foreach (var (pod, state, due) in States(pods, driven, delay, now))
        {
            if (state == PodState.Ready) ready++;
            if (state == PodState.Failing) failing++;
            if (due is { } d && (nextReady is null || d < nextReady)) nextReady = d;
            if (realPods?.Claims(pod) != true) SetPodStatus(pod, state, now);
        }
        var (available, nextAvailable) = Availability(rs, States(Pods(rs), driven, delay, now), now);
        if (nextAvailable is { } na && (nextReady is null || na < nextReady)) nextReady = na;
        WriteStatus(rs, node, pods, ready, available, failure, now);
        return new Stats(pods.Count, ready, available, failing, nextReady, failure ?? ExistingFailure(node));
    }

    /// <summary>The kubelet's part for a pod no controller owns (`kubectl run`): Running, Ready after the delay. Returns when it turns Ready.</summary>
    public DateTimeOffset? RunBarePod(StoredObject pod, TimeSpan delay)
    {
        var now = core.Time.GetUtcNow();
        var (_, state, due) = States([pod], null, delay, now)[0];
        if (realPods?.Claims(pod) == true) return null;
        SetPodStatus(pod, state, now);
        return due;
    }

    private static string? ExistingFailure(JsonObject node) =>
        (node["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => Json.String(c, "type") == "ReplicaFailure") is { } c ? Json.String(c, "message") : null;

    private JsonObject PodFor(StoredObject rs, JsonObject node, string podName, int? port)
    {
        var template = node["spec"]?["template"] as JsonObject ?? new JsonObject();
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? new JsonObject();
        var meta = new JsonObject
        {
            ["name"] = podName,
            ["namespace"] = rs.Namespace,
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = rs.Name, ["uid"] = rs.Uid,
                ["controller"] = true, ["blockOwnerDeletion"] = true,
            }),
        };
        if (template["metadata"]?["annotations"] is JsonObject annotations) meta["annotations"] = annotations.DeepClone();
        var spec = template["spec"]?.DeepClone() as JsonObject ?? new JsonObject();
        if (port is { } p && spec["containers"] is JsonArray { Count: > 0 } containers && containers[0] is JsonObject first)
        {
            var ports = first["ports"] as JsonArray;
            if (ports is { Count: > 0 } && ports[0] is JsonObject p0) p0["containerPort"] = p;
            else first["ports"] = new JsonArray(new JsonObject { ["containerPort"] = p, ["protocol"] = "TCP" });
        }
        spec["nodeName"] ??= "emulator-node";
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta, ["spec"] = spec };
    }

    private void WriteStatus(StoredObject rs, JsonObject node, List<StoredObject> pods, int ready, int available, string? failure, DateTimeOffset now)
    {
        var old = node["status"] as JsonObject;
        var status = new JsonObject
        {
            ["replicas"] = pods.Count,
            ["fullyLabeledReplicas"] = pods.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = available,
            ["observedGeneration"] = Json.Long(node["metadata"], "generation") ?? 1,
        };
        foreach (var key in new[] { "fullyLabeledReplicas", "readyReplicas", "availableReplicas" })
            if ((int)status[key]! == 0) status.Remove(key);
        // The failure stays until a create succeeds or the surplus is gone, as kube's manageReplicas leaves it.
        var desired = (int)(Json.Long(node["spec"], "replicas") ?? 1);
        var keep = failure ?? (pods.Count < desired ? ExistingFailure(node) : null);
        if (keep is not null)
        {
            var previous = (old?["conditions"] as JsonArray)?.FirstOrDefault(c => Json.String(c, "type") == "ReplicaFailure");
            status["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "ReplicaFailure", ["status"] = "True",
                ["lastTransitionTime"] = Json.String(previous, "lastTransitionTime") ?? Json.Rfc3339(now),
                ["reason"] = "FailedCreate", ["message"] = keep,
            });
        }
        if (JsonNode.DeepEquals(Json.Canonical(old), Json.Canonical(status))) return;
        node["status"] = status;
        try { core.Update(BuiltInTypes.ReplicaSets, rs.Namespace, rs.Name, node, Internal, "status"); }
        catch (ApiError) { }
    }

    private void SetPodStatus(StoredObject pod, PodState state, DateTimeOffset now)
    {
        var node = pod.ToNode();
        var oldStatus = node["status"] as JsonObject;
        var created = Json.String(node["metadata"], "creationTimestamp")!;
        var ready = state == PodState.Ready;
        string ConditionTime(string type, string status)
        {
            var old = (oldStatus?["conditions"] as JsonArray)?.FirstOrDefault(c => Json.String(c, "type") == type);
            return old is not null && Json.String(old, "status") == status ? Json.String(old, "lastTransitionTime") ?? created : Json.Rfc3339(now);
        }
        var readyText = ready ? "True" : "False";
        var containers = new JsonArray();
        if (node["spec"]?["containers"] is JsonArray specContainers)
            foreach (var c in specContainers)
            {
                var cs = new JsonObject
                {
                    ["name"] = Json.String(c, "name"), ["image"] = Json.String(c, "image"), ["imageID"] = "", ["ready"] = ready,
                    ["restartCount"] = state == PodState.Failing ? 3 : 0, ["started"] = state != PodState.Unready,
                };
                cs["state"] = state switch
                {
                    PodState.Failing => new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "CrashLoopBackOff", ["message"] = "back-off restarting failed container" } },
                    _ => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = created } },
                };
                if (state == PodState.Failing)
                    cs["lastState"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["startedAt"] = created, ["finishedAt"] = created } };
                containers.Add(cs);
            }
        var status = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = created },
                new JsonObject { ["type"] = "Initialized", ["status"] = "True", ["lastTransitionTime"] = created },
                new JsonObject { ["type"] = "ContainersReady", ["status"] = readyText, ["lastTransitionTime"] = ConditionTime("ContainersReady", readyText) },
                new JsonObject { ["type"] = "Ready", ["status"] = readyText, ["lastTransitionTime"] = ConditionTime("Ready", readyText) }),
            ["hostIP"] = "127.0.0.1",
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" }),
            ["podIP"] = "127.0.0.1",
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" }),
            ["startTime"] = created,
            ["qosClass"] = "BestEffort",
            ["containerStatuses"] = containers,
        };
        if (JsonNode.DeepEquals(Json.Canonical(oldStatus), Json.Canonical(status))) return;
        node["status"] = status;
        try { core.Update(BuiltInTypes.Pods, pod.Namespace, pod.Name, node, Internal, "status"); }
        catch (ApiError) { }
    }
}
