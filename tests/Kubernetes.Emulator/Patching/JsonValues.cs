using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>Semantic JSON helpers shared by the patch engines: equality where 1 == 1.0, and one canonical text form.</summary>
internal static class JsonValues
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool DeepEquals(JsonNode? left, JsonNode? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        switch (left)
        {
            case JsonObject leftObject:
                if (right is not JsonObject rightObject || leftObject.Count != rightObject.Count)
                {
                    return false;
                }

                foreach (var (name, value) in leftObject)
                {
                    if (!rightObject.TryGetPropertyValue(name, out var other) || !DeepEquals(value, other))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray leftArray:
                if (right is not JsonArray rightArray || leftArray.Count != rightArray.Count)
                {
                    return false;
                }

                for (var i = 0; i < leftArray.Count; i++)
                {
                    if (!DeepEquals(leftArray[i], rightArray[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                var kind = left.GetValueKind();
                if (kind != right.GetValueKind())
                {
                    return false;
                }

                return kind switch
                {
                    JsonValueKind.String => left.GetValue<string>() == right.GetValue<string>(),
                    JsonValueKind.Number => NumberText(left) == NumberText(right),
                    _ => true,
                };
        }
    }

    /// <summary>Compact JSON with numbers in one form (80.0 → 80), so that equal values give equal text.</summary>
    public static string Canonical(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "null";
            case JsonObject obj:
                return "{" + string.Join(",", obj.Select(p => JsonSerializer.Serialize(p.Key, Relaxed) + ":" + Canonical(p.Value))) + "}";
            case JsonArray array:
                return "[" + string.Join(",", array.Select(Canonical)) + "]";
            default:
                return node.GetValueKind() == JsonValueKind.Number ? NumberText(node) : node.ToJsonString(Relaxed);
        }
    }

    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string NumberText(JsonNode node)
    {
        var raw = node.ToJsonString();
        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (number == decimal.Truncate(number))
            {
                return decimal.Truncate(number).ToString(CultureInfo.InvariantCulture);
            }

            return number.ToString("G29", CultureInfo.InvariantCulture);
        }

        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
    }
}
