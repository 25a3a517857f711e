using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// How kube's JSON decoder sees a node: integers (no fraction, no exponent, fit in int64) are int64,
/// every other number is float64. Validation messages and printer cells depend on that split.
/// </summary>
internal static class JsonNodes
{
    public const string Null = "null";
    public const string Object = "object";
    public const string Array = "array";
    public const string String = "string";
    public const string Integer = "integer";
    public const string Number = "number";
    public const string Boolean = "boolean";

    /// <summary>The kube-openapi type name of a value ("integer" only for int64-decoded numbers).</summary>
    public static string TypeName(JsonNode? node) => node switch
    {
        null => Null,
        JsonObject => Object,
        JsonArray => Array,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => String,
            JsonValueKind.True or JsonValueKind.False => Boolean,
            JsonValueKind.Number => TryGetInt64(value, out _) ? Integer : Number,
            _ => Null,
        },
        _ => Null,
    };

    public static bool IsNull(JsonNode? node) => node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Null);

    public static bool TryGetInt64(JsonNode? node, out long result)
    {
        result = 0;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        var raw = RawNumber(value);
        return raw.All(c => char.IsAsciiDigit(c) || c == '-')
            && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
    }

    public static bool TryGetDouble(JsonNode? node, out double result)
    {
        result = 0;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        return double.TryParse(RawNumber(value), NumberStyles.Float, CultureInfo.InvariantCulture, out result);
    }

    // The literal as the client wrote it (cheap for parsed documents); other backings are serialised.
    private static string RawNumber(JsonValue value) =>
        value.TryGetValue<JsonElement>(out var element) ? element.GetRawText() : value.ToJsonString();

    public static bool TryGetString(JsonNode? node, out string result)
    {
        result = "";
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            result = StringOf(value);
            return true;
        }

        return false;
    }

    /// <summary>
    /// The text of a string-kind value, whatever backs it (a parsed element, a string, a char, a Guid...):
    /// GetValue&lt;string&gt; only works for the first two, and a crash here would be a crash on user input.
    /// </summary>
    public static string StringOf(JsonValue value) =>
        value.TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString()) ?? "";

    public static bool TryGetBoolean(JsonNode? node, out bool result)
    {
        result = false;
        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            result = value.GetValueKind() == JsonValueKind.True;
            return true;
        }

        return false;
    }

    /// <summary>Structural equality with numbers compared by value (1 equals 1.0), as reflect.DeepEqual on decoded JSON nearly does.</summary>
    public static bool SemanticEquals(JsonNode? a, JsonNode? b)
    {
        if (IsNull(a) || IsNull(b))
        {
            return IsNull(a) && IsNull(b);
        }

        switch (a, b)
        {
            case (JsonObject oa, JsonObject ob):
                if (oa.Count != ob.Count)
                {
                    return false;
                }

                foreach (var (key, value) in oa)
                {
                    if (!ob.TryGetPropertyValue(key, out var other) || !SemanticEquals(value, other))
                    {
                        return false;
                    }
                }

                return true;
            case (JsonArray aa, JsonArray ab):
                if (aa.Count != ab.Count)
                {
                    return false;
                }

                for (var i = 0; i < aa.Count; i++)
                {
                    if (!SemanticEquals(aa[i], ab[i]))
                    {
                        return false;
                    }
                }

                return true;
            case (JsonValue va, JsonValue vb):
                var ka = va.GetValueKind();
                var kb = vb.GetValueKind();
                if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
                {
                    return TryGetDouble(va, out var da) && TryGetDouble(vb, out var db) && da.Equals(db);
                }

                if (ka != kb)
                {
                    return false;
                }

                return ka switch
                {
                    JsonValueKind.String => StringOf(va) == StringOf(vb),
                    _ => true,
                };
            default:
                return false;
        }
    }
}
