using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// An apiextensions v1 openAPIV3Schema node, parsed once per CRD version. Parsing is tolerant: a keyword of
/// the wrong JSON type is ignored rather than thrown, because the emulator must not fall over on a CRD
/// kube-apiserver would have rejected at creation.
/// <para>
/// x-kubernetes-validations (CEL) rules are read but NOT evaluated: the emulator has no CEL engine and the
/// operator re-checks those rules itself. allOf/anyOf/oneOf/not are ignored too (structural schemas only
/// allow them as extra value checks; int-or-string is covered by x-kubernetes-int-or-string).
/// </para>
/// </summary>
public sealed class StructuralSchema
{
    private StructuralSchema()
    {
    }

    /// <summary>object, array, string, integer, number, boolean; null when the schema does not say.</summary>
    public string? Type { get; private init; }
    public IReadOnlyDictionary<string, StructuralSchema> Properties { get; private init; } = new Dictionary<string, StructuralSchema>();
    public StructuralSchema? Items { get; private init; }
    /// <summary>additionalProperties given as a schema (maps like labels).</summary>
    public StructuralSchema? AdditionalProperties { get; private init; }
    /// <summary>additionalProperties: true — every unknown key is kept, whatever its value.</summary>
    public bool AdditionalPropertiesAllowed { get; private init; }
    public IReadOnlyList<string> Required { get; private init; } = [];
    public IReadOnlyList<JsonNode?>? Enum { get; private init; }
    public double? Minimum { get; private init; }
    public double? Maximum { get; private init; }
    public bool ExclusiveMinimum { get; private init; }
    public bool ExclusiveMaximum { get; private init; }
    public double? MultipleOf { get; private init; }
    public long? MinLength { get; private init; }
    public long? MaxLength { get; private init; }
    public long? MinItems { get; private init; }
    public long? MaxItems { get; private init; }
    public long? MinProperties { get; private init; }
    public long? MaxProperties { get; private init; }
    public string? Pattern { get; private init; }
    public string? Format { get; private init; }
    public bool Nullable { get; private init; }
    /// <summary>The default value (never mutated; the defaulter deep-copies it).</summary>
    public JsonNode? Default { get; private init; }
    public bool PreserveUnknownFields { get; private init; }
    public bool IntOrString { get; private init; }
    public bool EmbeddedResource { get; private init; }
    /// <summary>atomic (default), set or map.</summary>
    public string? ListType { get; private init; }
    public IReadOnlyList<string> ListMapKeys { get; private init; } = [];
    public string? MapType { get; private init; }
    /// <summary>The x-kubernetes-validations rules as written. Kept for reference only; CEL is not evaluated.</summary>
    public JsonArray? Validations { get; private init; }

    internal Regex? PatternRegex { get; private init; }

    /// <summary>True when a default is present (a JSON null default counts).</summary>
    public bool HasDefault { get; private init; }

    /// <summary>The schema of a CRD spec.versions[] entry (schema.openAPIV3Schema), or null when it has none.</summary>
    public static StructuralSchema? FromCrdVersion(JsonObject version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return version["schema"]?["openAPIV3Schema"] is JsonObject schema ? Parse(schema) : null;
    }

    public static StructuralSchema Parse(JsonObject openApiV3Schema)
    {
        ArgumentNullException.ThrowIfNull(openApiV3Schema);
        return ParseNode(openApiV3Schema, depth: 0);
    }

    private static StructuralSchema ParseNode(JsonObject node, int depth)
    {
        // A malicious or broken schema nested thousands deep must not blow the stack.
        if (depth > 256)
        {
            return new StructuralSchema { PreserveUnknownFields = true };
        }

        var properties = new Dictionary<string, StructuralSchema>(StringComparer.Ordinal);
        if (node["properties"] is JsonObject props)
        {
            foreach (var (name, value) in props)
            {
                if (value is JsonObject child)
                {
                    properties[name] = ParseNode(child, depth + 1);
                }
            }
        }

        StructuralSchema? additional = null;
        var additionalAllowed = false;
        switch (node["additionalProperties"])
        {
            case JsonObject schema:
                additional = ParseNode(schema, depth + 1);
                break;
            case JsonValue v when JsonNodes.TryGetBoolean(v, out var allowed):
                additionalAllowed = allowed;
                break;
        }

        StructuralSchema? items = node["items"] switch
        {
            JsonObject schema => ParseNode(schema, depth + 1),
            JsonArray { Count: > 0 } tuple when tuple[0] is JsonObject first => ParseNode(first, depth + 1),
            _ => null,
        };

        var pattern = String(node, "pattern");

        // An unparsable pattern is one kube would have refused with the CRD; here it simply never fails.
        var regex = pattern is null ? null : GoRegex.Compile(pattern);

        var hasDefault = node.TryGetPropertyValue("default", out var defaultValue);
        return new StructuralSchema
        {
            Type = String(node, "type"),
            Properties = properties,
            Items = items,
            AdditionalProperties = additional,
            AdditionalPropertiesAllowed = additionalAllowed,
            Required = Strings(node["required"]),
            Enum = node["enum"] is JsonArray values ? values.Select(v => v?.DeepClone()).ToList() : null,
            Minimum = Number(node, "minimum"),
            Maximum = Number(node, "maximum"),
            ExclusiveMinimum = Bool(node, "exclusiveMinimum"),
            ExclusiveMaximum = Bool(node, "exclusiveMaximum"),
            MultipleOf = Number(node, "multipleOf"),
            MinLength = Integer(node, "minLength"),
            MaxLength = Integer(node, "maxLength"),
            MinItems = Integer(node, "minItems"),
            MaxItems = Integer(node, "maxItems"),
            MinProperties = Integer(node, "minProperties"),
            MaxProperties = Integer(node, "maxProperties"),
            Pattern = pattern,
            PatternRegex = regex,
            Format = String(node, "format"),
            Nullable = Bool(node, "nullable"),
            Default = hasDefault ? defaultValue?.DeepClone() : null,
            HasDefault = hasDefault,
            PreserveUnknownFields = Bool(node, "x-kubernetes-preserve-unknown-fields"),
            IntOrString = Bool(node, "x-kubernetes-int-or-string"),
            EmbeddedResource = Bool(node, "x-kubernetes-embedded-resource"),
            ListType = String(node, "x-kubernetes-list-type"),
            ListMapKeys = Strings(node["x-kubernetes-list-map-keys"]),
            MapType = String(node, "x-kubernetes-map-type"),
            Validations = node["x-kubernetes-validations"] is JsonArray rules ? (JsonArray)rules.DeepClone() : null,
        };
    }

    private static string? String(JsonObject node, string name) =>
        JsonNodes.TryGetString(node[name], out var s) ? s : null;

    private static bool Bool(JsonObject node, string name) =>
        JsonNodes.TryGetBoolean(node[name], out var b) && b;

    private static double? Number(JsonObject node, string name) =>
        JsonNodes.TryGetDouble(node[name], out var d) ? d : null;

    private static long? Integer(JsonObject node, string name)
    {
        if (JsonNodes.TryGetInt64(node[name], out var l))
        {
            return l;
        }

        return JsonNodes.TryGetDouble(node[name], out var d) && d >= 0 && d <= long.MaxValue ? (long)d : null;
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array
            ? array.Where(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String).Select(n => JsonNodes.StringOf((JsonValue)n!)).ToList()
            : [];
}
