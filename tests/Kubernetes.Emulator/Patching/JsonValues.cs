using System.Globalization;
using System.Text;
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
        var text = new StringBuilder();
        AppendCanonical(text, node);
        return text.ToString();
    }

    private static void AppendCanonical(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (name, value) in obj)
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    AppendString(text, name);
                    text.Append(':');
                    AppendCanonical(text, value);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    AppendCanonical(text, array[i]);
                }

                text.Append(']');
                break;
            default:
                switch (node.GetValueKind())
                {
                    case JsonValueKind.Number:
                        text.Append(NumberText(node));
                        break;
                    case JsonValueKind.String:
                        AppendString(text, node.GetValue<string>());
                        break;
                    default:
                        text.Append(node.ToJsonString());
                        break;
                }

                break;
        }
    }

    /// <summary>Plain strings are quoted as they are; anything needing escapes goes through the serializer.</summary>
    private static void AppendString(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e)
            {
                text.Append(JsonSerializer.Serialize(value, Relaxed));
                return;
            }
        }

        text.Append('"').Append(value).Append('"');
    }

    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string NumberText(JsonNode node)
    {
        if (node is JsonValue value && value.TryGetValue<long>(out var whole))
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

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
