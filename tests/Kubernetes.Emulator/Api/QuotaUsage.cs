using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>
/// What one quota resource name charges: a pod's demand (pods, count/pods, requests.*, limits.*, bare cpu/memory meaning
/// requests, extended resources like requests.nvidia.com/gpu) and a namespace's usage. The quota controller's
/// status.used and pod admission both read it, so they cannot disagree.
/// </summary>
internal static class QuotaUsage
{
    /// <summary>Pods that count against quota: not terminal, not being deleted.</summary>
    public static List<JsonObject> ChargedPods(ObjectStore store, string ns) =>
        [.. store.List(BuiltInTypes.Pods.StorageKey, ns).Where(p => !p.Deleting).Select(p => p.ToNode())
            .Where(p => Json.String(p["status"], "phase") is not ("Succeeded" or "Failed"))];

    /// <summary>The pod's demand for a quota resource (binary: whether the pod wrote it with a binary suffix); null for object counts.</summary>
    public static decimal? PodDemand(JsonObject pod, string resource, out bool binary)
    {
        binary = false;
        if (resource is "pods" or "count/pods") return 1;
        if (resource.StartsWith("count/", StringComparison.Ordinal) || resource is "services" or "configmaps" or "secrets" or "resourcequotas"
            or "persistentvolumeclaims" or "replicationcontrollers" or "services.loadbalancers" or "services.nodeports")
            return null;
        string kind, name;
        if (resource.StartsWith("requests.", StringComparison.Ordinal)) (kind, name) = ("requests", resource["requests.".Length..]);
        else if (resource.StartsWith("limits.", StringComparison.Ordinal)) (kind, name) = ("limits", resource["limits.".Length..]);
        else (kind, name) = ("requests", resource);
        decimal sum = 0, initMax = 0;
        foreach (var (list, isInit) in new[] { ("containers", false), ("initContainers", true) })
        {
            if (pod["spec"]?[list] is not JsonArray containers) continue;
            foreach (var c in containers)
            {
                var text = c?["resources"]?[kind]?[name]?.ToString();
                // kube counts limits as requests when only limits are set.
                if (text is null && kind == "requests") text = c?["resources"]?["limits"]?[name]?.ToString();
                if (text is null || !QuantityMath.TryParse(text, out var v, out var b)) continue;
                binary |= b;
                if (isInit) initMax = Math.Max(initMax, v); else sum += v;
            }
        }
        return Math.Max(sum, initMax);
    }

    /// <summary>status.used text for one resource of a quota in this namespace.</summary>
    public static string Used(ObjectStore store, string ns, string resource, List<JsonObject> pods)
    {
        if (resource == "pods") return pods.Count.ToString();
        if (resource is "services" or "configmaps" or "secrets" or "resourcequotas")
            return store.List("/" + resource, ns).Count.ToString();
        if (resource.StartsWith("count/", StringComparison.Ordinal) && resource != "count/pods")
        {
            var gr = resource["count/".Length..];
            var dot = gr.IndexOf('.');
            var key = dot < 0 ? "/" + gr : gr[(dot + 1)..] + "/" + gr[..dot];
            return store.List(key, ns).Count.ToString();
        }
        decimal total = 0;
        var binary = false;
        foreach (var pod in pods)
        {
            total += PodDemand(pod, resource, out var b) ?? 0;
            binary |= b;
        }
        return QuantityMath.Format(total, binary);
    }

    /// <summary>
    /// ResourceQuota admission for a pod create, worded as kube's quota admission plugin words it:
    /// <c>pods "web-1" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=4, limited: requests.nvidia.com/gpu=4</c>.
    /// </summary>
    public static void Admit(ObjectStore store, string ns, JsonObject pod)
    {
        var quotas = store.List(BuiltInTypes.ResourceQuotas.StorageKey, ns);
        if (quotas.Count == 0) return;
        var pods = ChargedPods(store, ns);
        foreach (var quota in quotas.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            if (quota.ToNode()["spec"]?["hard"] is not JsonObject hard) continue;
            var requested = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var used = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var limited = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (resource, value) in hard)
            {
                if (PodDemand(pod, resource, out var binary) is not { } demand || demand == 0) continue;
                if (!QuantityMath.TryParse(value?.ToString() ?? "", out var limit, out var hardBinary)) continue;
                decimal current = 0;
                foreach (var p in pods)
                {
                    current += PodDemand(p, resource, out var b) ?? 0;
                    binary |= b;
                }
                if (current + demand <= limit) continue;
                requested[resource] = QuantityMath.Format(demand, binary);
                used[resource] = QuantityMath.Format(current, binary);
                limited[resource] = QuantityMath.Format(limit, hardBinary);
            }
            if (requested.Count == 0) continue;
            static string Pretty(SortedDictionary<string, string> d) => string.Join(",", d.Select(p => $"{p.Key}={p.Value}"));
            var name = Json.String(pod["metadata"], "name") ?? "";
            throw new ApiError(403, "Forbidden",
                $"pods \"{name}\" is forbidden: exceeded quota: {quota.Name}, requested: {Pretty(requested)}, used: {Pretty(used)}, limited: {Pretty(limited)}",
                new JsonObject { ["name"] = name, ["kind"] = "pods" });
        }
    }
}
