using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>
/// Does a live child already hold everything we would apply? Every field of the desired object must be present
/// in the live one with an equal value (lists item by item); fields others set are ignored. Quantities compare
/// by value, because the API server canonicalises them ("1024Mi" is stored as "1Gi"). This is what lets a
/// reconcile of an object in sync make no API write at all, while a child someone edited is re-applied.
/// </summary>
public static class LiveState
{
    public static bool Covers(IKubernetesObject<V1ObjectMeta>? live, IKubernetesObject<V1ObjectMeta> desired) =>
        live is not null && Covers(ToNode(live), ToNode(desired));

    public static bool Covers(JsonNode? live, JsonNode? desired) => desired switch
    {
        null => true,
        JsonObject d => live is JsonObject l && d.All(p => p.Value is null || Covers(l[p.Key], p.Value)),
        JsonArray d => live is JsonArray l && l.Count == d.Count && d.Select((item, i) => Covers(l[i], item)).All(ok => ok),
        JsonValue d => live is JsonValue l && SameValue(l, d),
        _ => false,
    };

    private static bool SameValue(JsonValue live, JsonValue desired)
    {
        if (JsonNode.DeepEquals(live, desired))
        {
            return true;
        }

        return live.TryGetValue<string>(out var l) && desired.TryGetValue<string>(out var d)
            && Quantity.TryParse(l, out var lq) && Quantity.TryParse(d, out var dq) && lq == dq;
    }

    private static JsonNode ToNode(IKubernetesObject<V1ObjectMeta> obj) =>
        System.Text.Json.JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options)!;
}
