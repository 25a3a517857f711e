using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>JSON helpers shared by the store and the API layer.</summary>
internal static class Json
{
    // Go's encoding/json does not escape non-ASCII; kubectl prints what it receives, so do the same.
    public static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(Output);

    /// <summary>
    /// Deep copy with object keys sorted and null members dropped, as the Go apiserver stores objects.
    /// Sorted keys make "is this write byte-identical?" independent of the client's key order.
    /// </summary>
    public static JsonNode? Canonical(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var result = new JsonObject();
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (v is null) continue;
                    result[k] = Canonical(v);
                }
                return result;
            case JsonArray a:
                var array = new JsonArray();
                foreach (var item in a) array.Add(Canonical(item));
                return array;
            case null:
                return null;
            default:
                return node.DeepClone();
        }
    }

    public static JsonObject Object(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    public static string? String(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Long(JsonNode? node, string name)
    {
        if (node is not JsonObject o || o[name] is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d) && Math.Abs(d % 1) < double.Epsilon) return (long)d;
        if (v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), CultureInfo.InvariantCulture, out var p)) return p;
        return null;
    }

    /// <summary>The member at <paramref name="path"/> of a read-only element, or null when any step is missing or not an object.</summary>
    public static JsonElement? At(JsonElement element, params ReadOnlySpan<string> path)
    {
        foreach (var segment in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element)) return null;
        }
        return element;
    }

    public static string? String(JsonElement? element) => element is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;

    /// <summary>A whole number (written as 3 or 3.0), or null.</summary>
    public static long? Long(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Number } e) return null;
        if (e.TryGetInt64(out var l)) return l;
        return e.TryGetDouble(out var d) && Math.Abs(d % 1) < double.Epsilon ? (long)d : null;
    }

    public static JsonNode? At(JsonNode? node, IEnumerable<string> path)
    {
        foreach (var segment in path)
        {
            if (node is not JsonObject o) return null;
            node = o[segment];
        }
        return node;
    }

    public static string[] SplitPath(string path) => path.TrimStart('.').Split('.', StringSplitOptions.RemoveEmptyEntries);

    public static void Set(JsonObject root, string[] path, JsonNode? value)
    {
        var current = root;
        for (var i = 0; i < path.Length - 1; i++) current = Object(current, path[i]);
        current[path[^1]] = value;
    }

    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>Parses a request body: JSON first (kubectl sends JSON even for apply-patch+yaml), YAML when allowed.</summary>
    public static JsonNode? Parse(string text, bool allowYaml)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException) when (allowYaml)
        {
            return FromYaml(text);
        }
    }

    public static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : FromYaml(stream.Documents[0].RootNode, 0);
    }

    private static JsonNode? FromYaml(YamlNode node, int depth)
    {
        // JSON bodies are capped at depth 64 by the parser; a hostile YAML body must not overflow the stack either.
        if (depth > 64) throw new JsonException("the body is nested too deeply");
        switch (node)
        {
            case YamlMappingNode map:
                var o = new JsonObject();
                foreach (var (k, v) in map.Children) o[(k as YamlScalarNode)?.Value ?? throw new JsonException("mapping keys must be strings")] = FromYaml(v, depth + 1);
                return o;
            case YamlSequenceNode seq:
                var a = new JsonArray();
                foreach (var item in seq.Children) a.Add(FromYaml(item, depth + 1));
                return a;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style is not (YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any)) return JsonValue.Create(text);
                if (text is "" or "~" or "null" or "Null" or "NULL") return null;
                if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
                if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && text.Any(char.IsDigit)) return JsonValue.Create(d);
                return JsonValue.Create(text);
            default:
                return null;
        }
    }

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    public static string MicroTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
