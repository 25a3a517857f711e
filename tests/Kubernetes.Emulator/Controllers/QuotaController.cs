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
        var pods = QuotaUsage.ChargedPods(core.Store, ns);
        foreach (var quota in quotas)
        {
            var node = quota.ToNode();
            if (node["spec"]?["hard"] is not JsonObject hard) continue;
            var used = new JsonObject();
            foreach (var (resource, _) in hard) used[resource] = QuotaUsage.Used(core.Store, ns, resource, pods);
            var status = new JsonObject { ["hard"] = hard.DeepClone(), ["used"] = used };
            if (JsonNode.DeepEquals(Json.Canonical(node["status"]), Json.Canonical(status))) continue;
            node["status"] = status;
            try { core.Update(BuiltInTypes.ResourceQuotas, ns, quota.Name, node, new WriteOptions(Internal: true), "status"); }
            catch (ApiError) { }
        }
    }
}
