using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Controllers;

/// <summary>
/// The ResourceQuota controller: status.hard = spec.hard, status.used from the namespace's live pods
/// (requests.*/limits.*, bare cpu/memory meaning requests, extended resources like requests.nvidia.com/gpu,
/// pods) and object counts (services, configmaps, secrets, count/&lt;resource&gt;).
/// </summary>
internal sealed class QuotaController(ApiCore core)
{
    public void Reconcile(string ns)
    {
        var quotas = core.Store.List(BuiltInTypes.ResourceQuotas.StorageKey, ns);
        if (quotas.Count == 0) return;
        var pods = core.Store.List(BuiltInTypes.Pods.StorageKey, ns)
            .Where(p => !p.Deleting)
            .Select(p => p.ToNode())
            .Where(p => Json.String(p["status"], "phase") is not ("Succeeded" or "Failed"))
            .ToList();
        foreach (var quota in quotas)
        {
            var node = quota.ToNode();
            if (node["spec"]?["hard"] is not JsonObject hard) continue;
            var used = new JsonObject();
            foreach (var (resource, _) in hard) used[resource] = Used(resource, ns, pods);
            var status = new JsonObject { ["hard"] = hard.DeepClone(), ["used"] = used };
            if (JsonNode.DeepEquals(Json.Canonical(node["status"]), Json.Canonical(status))) continue;
            node["status"] = status;
            try { core.Update(BuiltInTypes.ResourceQuotas, ns, quota.Name, node, new WriteOptions(Internal: true), "status"); }
            catch (ApiError) { }
        }
    }

    private string Used(string resource, string ns, List<JsonObject> pods)
    {
        if (resource == "pods") return pods.Count.ToString();
        if (resource is "services" or "configmaps" or "secrets" or "resourcequotas")
            return core.Store.List("/" + resource, ns).Count.ToString();
        if (resource.StartsWith("count/", StringComparison.Ordinal))
        {
            var gr = resource["count/".Length..];
            var dot = gr.IndexOf('.');
            var key = dot < 0 ? "/" + gr : gr[(dot + 1)..] + "/" + gr[..dot];
            return core.Store.List(key, ns).Count.ToString();
        }
        string kind, name;
        if (resource.StartsWith("requests.", StringComparison.Ordinal)) (kind, name) = ("requests", resource["requests.".Length..]);
        else if (resource.StartsWith("limits.", StringComparison.Ordinal)) (kind, name) = ("limits", resource["limits.".Length..]);
        else (kind, name) = ("requests", resource);
        decimal total = 0;
        var binary = false;
        foreach (var pod in pods)
        {
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
            total += Math.Max(sum, initMax);
        }
        return QuantityMath.Format(total, binary);
    }
}
