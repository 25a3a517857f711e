using System.Text.Json;
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
    /// <summary>
    /// Both objects are serialised into pooled <see cref="JsonDocument"/>s and walked in place: no JsonNode tree per
    /// child per pass (a reconcile checks every child, so this runs on every pass of every ModelDeployment).
    /// </summary>
    public static bool Covers(IKubernetesObject<V1ObjectMeta>? live, IKubernetesObject<V1ObjectMeta> desired)
    {
        if (live is null)
        {
            return false;
        }

        using var l = JsonSerializer.SerializeToDocument(live, KubeJson.Options.GetTypeInfo(live.GetType()));
        using var d = JsonSerializer.SerializeToDocument(desired, KubeJson.Options.GetTypeInfo(desired.GetType()));
        return Covers(l.RootElement, d.RootElement);
    }

    public static bool Covers(JsonNode? live, JsonNode? desired) =>
        desired is null || (live is not null && Covers(JsonSerializer.SerializeToElement(live, KubeJsonContext.Default.JsonNode), JsonSerializer.SerializeToElement(desired, KubeJsonContext.Default.JsonNode)));

    /// <summary>The same rule on JSON elements; a JSON null in the desired object asks for nothing.</summary>
    public static bool Covers(JsonElement live, JsonElement desired)
    {
        switch (desired.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return true;
            case JsonValueKind.Object:
                if (live.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                foreach (var field in desired.EnumerateObject())
                {
                    if (field.Value.ValueKind != JsonValueKind.Null
                        && !(live.TryGetProperty(field.Name, out var value) && Covers(value, field.Value)))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                if (live.ValueKind != JsonValueKind.Array || live.GetArrayLength() != desired.GetArrayLength())
                {
                    return false;
                }

                using (var items = live.EnumerateArray())
                {
                    foreach (var item in desired.EnumerateArray())
                    {
                        if (!items.MoveNext() || !Covers(items.Current, item))
                        {
                            return false;
                        }
                    }
                }

                return true;
            default:
                return SameValue(live, desired);
        }
    }

    private static bool SameValue(JsonElement live, JsonElement desired)
    {
        if (live.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return false;
        }

        if (JsonElement.DeepEquals(live, desired))
        {
            return true;
        }

        return live.ValueKind == JsonValueKind.String && desired.ValueKind == JsonValueKind.String
            && Quantity.TryParse(live.GetString(), out var lq) && Quantity.TryParse(desired.GetString(), out var dq) && lq == dq;
    }
}
