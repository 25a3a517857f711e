using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Controllers;

/// <summary>
/// A Deployment controller without ReplicaSets: Pods {deployment}-{templateHash}-{n} owned by the Deployment,
/// replaced at once when the template changes, with Deployment status computed from their readiness.
/// </summary>
internal sealed class DeploymentController(ApiCore core, SimulatedControllers owner) : IDisposable
{
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

    public void Reconcile(string ns, string name)
    {
        var deployment = core.TryGet(BuiltInTypes.Deployments, ns, name);
        if (deployment is null || deployment.Deleting) return;
        var node = deployment.ToNode();
        var key = ns + "/" + name;
        var replicas = (int)(Json.Long(node["spec"], "replicas") ?? 1);
        var template = node["spec"]?["template"] as JsonObject ?? new JsonObject();
        var hash = TemplateHash(template);
        var prefix = $"{name}-{hash}-";

        var owned = core.Store.List(BuiltInTypes.Pods.StorageKey, ns).Where(p => p.OwnerUids.Contains(deployment.Uid)).ToList();
        foreach (var pod in owned)
        {
            var outdated = !pod.Name.StartsWith(prefix, StringComparison.Ordinal)
                || !int.TryParse(pod.Name[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= replicas;
            if (outdated && !pod.Deleting) TryDelete(pod);
        }
        for (var i = 0; i < replicas; i++)
            if (core.TryGet(BuiltInTypes.Pods, ns, prefix + i) is null) CreatePod(deployment, node, template, hash, prefix + i, key);

        var now = core.Time.GetUtcNow();
        var delay = owner.PodReadyDelay;
        var driven = _driven.TryGetValue(key, out var states) ? states : null;
        var current = core.Store.List(BuiltInTypes.Pods.StorageKey, ns)
            .Where(p => p.OwnerUids.Contains(deployment.Uid) && p.Name.StartsWith(prefix, StringComparison.Ordinal) && !p.Deleting)
            .OrderBy(p => int.TryParse(p.Name[prefix.Length..], out var n) ? n : int.MaxValue).ToList();
        int ready = 0, failing = 0;
        DateTimeOffset? nextDue = null;
        for (var i = 0; i < current.Count; i++)
        {
            var pod = current[i];
            PodState state;
            if (driven is not null) state = i < driven.Ready ? PodState.Ready : i < driven.Ready + driven.Unready ? PodState.Unready : i < driven.Ready + driven.Unready + driven.Failing ? PodState.Failing : PodState.Unready;
            else
            {
                var created = DateTimeOffset.Parse(Json.String(pod.ToNode()["metadata"], "creationTimestamp")!, CultureInfo.InvariantCulture);
                var due = created + delay;
                state = due <= now ? PodState.Ready : PodState.Unready;
                if (state == PodState.Unready && (nextDue is null || due < nextDue)) nextDue = due;
            }
            if (state == PodState.Ready) ready++;
            if (state == PodState.Failing) failing++;
            SetPodStatus(pod, state, now);
        }
        if (nextDue is { } when) Schedule(key, ns, name, when - now);
        UpdateStatus(deployment, node, replicas, current.Count, ready, failing, $"{name}-{hash}", now);
    }

    private void Schedule(string key, string ns, string name, TimeSpan due)
    {
        var timer = core.Time.CreateTimer(_ => owner.Resync(ns, name), null, due < TimeSpan.Zero ? TimeSpan.Zero : due + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        if (_timers.TryGetValue(key, out var old)) old.Dispose();
        _timers[key] = timer;
    }

    private void TryDelete(StoredObject pod)
    {
        try { core.Delete(BuiltInTypes.Pods, pod.Namespace, pod.Name, new DeleteRequest("Background")); }
        catch (ApiError) { }
    }

    private void CreatePod(StoredObject deployment, JsonObject node, JsonObject template, string hash, string podName, string key)
    {
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? new JsonObject();
        labels["pod-template-hash"] = hash;
        var meta = new JsonObject
        {
            ["name"] = podName,
            ["namespace"] = deployment.Namespace,
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = deployment.Name, ["uid"] = deployment.Uid,
                ["controller"] = true, ["blockOwnerDeletion"] = true,
            }),
        };
        if (template["metadata"]?["annotations"] is JsonObject annotations) meta["annotations"] = annotations.DeepClone();
        var spec = template["spec"]?.DeepClone() as JsonObject ?? new JsonObject();
        if (_ports.TryGetValue(key, out var port) && spec["containers"] is JsonArray { Count: > 0 } containers && containers[0] is JsonObject first)
        {
            var ports = first["ports"] as JsonArray;
            if (ports is { Count: > 0 } && ports[0] is JsonObject p0) p0["containerPort"] = port;
            else first["ports"] = new JsonArray(new JsonObject { ["containerPort"] = port, ["protocol"] = "TCP" });
        }
        spec["nodeName"] ??= "emulator-node";
        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta, ["spec"] = spec };
        try { core.Create(BuiltInTypes.Pods, deployment.Namespace, pod, Internal); }
        catch (ApiError) { }
        _ = node;
    }

    private enum PodState { Ready, Unready, Failing }

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
                    PodState.Ready => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = created } },
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
        core.Update(BuiltInTypes.Pods, pod.Namespace, pod.Name, node, Internal, "status");
    }

    private void UpdateStatus(StoredObject deployment, JsonObject node, int desired, int total, int ready, int failing, string replicaSet, DateTimeOffset now)
    {
        var oldStatus = node["status"] as JsonObject;
        var maxUnavailable = Percent(node["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"], desired, roundUp: false);
        var availableOk = ready >= desired - maxUnavailable;
        var complete = total == desired && ready == desired;
        JsonObject Condition(string type, string status, string reason, string message)
        {
            var old = (oldStatus?["conditions"] as JsonArray)?.FirstOrDefault(c => Json.String(c, "type") == type);
            var same = old is not null && Json.String(old, "status") == status;
            var sameReason = same && Json.String(old, "reason") == reason;
            return new JsonObject
            {
                ["type"] = type, ["status"] = status,
                ["lastUpdateTime"] = sameReason ? Json.String(old, "lastUpdateTime") : Json.Rfc3339(now),
                ["lastTransitionTime"] = same ? Json.String(old, "lastTransitionTime") : Json.Rfc3339(now),
                ["reason"] = reason, ["message"] = message,
            };
        }
        var conditions = new JsonArray(
            availableOk
                ? Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
                : Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
            failing > 0
                ? Condition("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{replicaSet}\" has timed out progressing.")
                : complete
                    ? Condition("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{replicaSet}\" has successfully progressed.")
                    : Condition("Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{replicaSet}\" is progressing."));
        var status = new JsonObject
        {
            ["observedGeneration"] = Json.Long(node["metadata"], "generation") ?? 1,
            ["replicas"] = total,
            ["updatedReplicas"] = total,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["conditions"] = conditions,
        };
        if (total - ready > 0) status["unavailableReplicas"] = total - ready;
        if (ready == 0) { status.Remove("readyReplicas"); status.Remove("availableReplicas"); }
        if (total == 0) { status.Remove("replicas"); status.Remove("updatedReplicas"); }
        if (JsonNode.DeepEquals(Json.Canonical(oldStatus), Json.Canonical(status))) return;
        node["status"] = status;
        core.Update(BuiltInTypes.Deployments, deployment.Namespace, deployment.Name, node, Internal, "status");
    }

    private static int Percent(JsonNode? value, int total, bool roundUp)
    {
        if (value is null) return (int)Math.Floor(total * 0.25);
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
