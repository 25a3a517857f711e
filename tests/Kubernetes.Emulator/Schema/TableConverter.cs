using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// meta.k8s.io/v1 Table for custom resources, as apiextensions' tableconvertor plus the apiserver's
/// includeObject handling build it. Columns: Name (format "name"), then the CRD's printer columns; a CRD
/// version with no printer columns gets kube's default single Age column (date, .metadata.creationTimestamp).
/// Kube does not append Age to a CRD that defines its own columns. Cells: string columns print the value as
/// text (objects/arrays as JSON), integer/number/boolean keep JSON types, date columns become kube's human
/// age ("5m", "3d2h") computed from <c>now</c>; missing values are null.
/// </summary>
public static partial class TableConverter
{
    internal const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    internal const string CreationTimestampDescription =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    /// <summary>The columns kube serves for a CRD version: its own, or Age when it declares none.</summary>
    public static IReadOnlyList<PrinterColumn> EffectiveColumns(IReadOnlyList<PrinterColumn> columns) =>
        columns.Count > 0 ? columns : [new PrinterColumn("Age", "date", ".metadata.creationTimestamp", Description: CreationTimestampDescription)];

    /// <summary>Reads additionalPrinterColumns from a CRD version object (missing or malformed entries are skipped).</summary>
    public static IReadOnlyList<PrinterColumn> ColumnsFromCrdVersion(JsonObject version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var columns = new List<PrinterColumn>();
        if (version["additionalPrinterColumns"] is not JsonArray array)
        {
            return columns;
        }

        foreach (var item in array)
        {
            if (item is JsonObject column
                && JsonNodes.TryGetString(column["name"], out var name)
                && JsonNodes.TryGetString(column["type"], out var type)
                && JsonNodes.TryGetString(column["jsonPath"], out var path))
            {
                JsonNodes.TryGetInt64(column["priority"], out var priority);
                columns.Add(new PrinterColumn(
                    name,
                    type,
                    path,
                    JsonNodes.TryGetString(column["format"], out var format) ? format : null,
                    JsonNodes.TryGetString(column["description"], out var description) ? description : null,
                    (int)Math.Clamp(priority, int.MinValue, int.MaxValue)));
            }
        }

        return columns;
    }

    /// <param name="includeObject">Metadata (default: PartialObjectMetadata), Object (the whole object) or None.</param>
    /// <param name="noHeaders">
    /// True for every watch event after the first: the apiserver then sends columnDefinitions as null.
    /// </param>
    public static JsonObject ToTable(IReadOnlyList<JsonObject> objects, IReadOnlyList<PrinterColumn> columns, string listResourceVersion, DateTimeOffset now, string includeObject = "Metadata", bool noHeaders = false)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(columns);
        var effective = EffectiveColumns(columns);

        var definitions = new JsonArray
        {
            Definition("Name", "string", "name", NameDescription, 0),
        };
        foreach (var column in effective)
        {
            definitions.Add(Definition(
                column.Name,
                column.Type,
                column.Format ?? "",
                string.IsNullOrEmpty(column.Description) ? $"Custom resource definition column (in JSONPath format): {column.JsonPath}" : column.Description,
                column.Priority));
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray { JsonValue.Create(Name(obj)) };
            foreach (var column in effective)
            {
                cells.Add(Cell(obj, column, now));
            }

            rows.Add(new JsonObject
            {
                ["cells"] = cells,
                ["object"] = RowObject(obj, includeObject),
            });
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = listResourceVersion },
            ["columnDefinitions"] = noHeaders ? null : definitions,
            ["rows"] = rows,
        };
    }

    /// <summary>A Table from ready-made column definitions and cells (the built-in printers' path).</summary>
    internal static JsonObject Assemble(JsonArray definitions, IEnumerable<(JsonObject Object, JsonArray Cells)> rows, string listResourceVersion, string includeObject, bool noHeaders)
    {
        var array = new JsonArray();
        foreach (var (obj, cells) in rows)
        {
            array.Add(new JsonObject { ["cells"] = cells, ["object"] = RowObject(obj, includeObject) });
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = listResourceVersion },
            ["columnDefinitions"] = noHeaders ? null : definitions,
            ["rows"] = array,
        };
    }

    /// <summary>kube's duration.HumanDuration: "45s", "5m30s", "12m", "4h5m", "2d3h", "400d", "3y10d".</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)Math.Truncate(d.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        var minutes = (long)Math.Truncate(d.TotalMinutes);
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        var hours = (long)Math.Truncate(d.TotalHours);
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }

    private static JsonObject Definition(string name, string type, string format, string description, int priority) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = description,
        ["priority"] = priority,
    };

    private static string Name(JsonObject obj) =>
        obj["metadata"] is JsonObject metadata && JsonNodes.TryGetString(metadata["name"], out var name) ? name : "";

    private static JsonNode? RowObject(JsonObject obj, string includeObject)
    {
        if (string.Equals(includeObject, "None", StringComparison.Ordinal))
        {
            return null;
        }

        if (string.Equals(includeObject, "Object", StringComparison.Ordinal))
        {
            return obj.DeepClone();
        }

        return new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
        };
    }

    private static JsonNode? Cell(JsonObject obj, PrinterColumn column, DateTimeOffset now)
    {
        var results = JsonPathEvaluator.EvaluateAll(obj, column.JsonPath);
        if (results.Count == 0 || JsonNodes.IsNull(results[0]))
        {
            return null;
        }

        var value = results[0]!;
        switch (column.Type)
        {
            case "string":
                return JsonValue.Create(Text(value));
            case "integer":
                if (JsonNodes.TryGetInt64(value, out var l))
                {
                    return JsonValue.Create(l);
                }

                // Go's int64(float64) truncates toward zero.
                return JsonNodes.TryGetDouble(value, out var fd) && !double.IsNaN(fd)
                    ? JsonValue.Create((long)Math.Clamp(Math.Truncate(fd), long.MinValue, long.MaxValue))
                    : null;
            case "number":
                return JsonNodes.TryGetDouble(value, out var d) ? JsonValue.Create(d) : null;
            case "boolean":
                return JsonNodes.TryGetBoolean(value, out var b) ? JsonValue.Create(b) : null;
            case "date":
                if (!JsonNodes.TryGetString(value, out var text))
                {
                    return null;
                }

                if (!TryParseRfc3339(text, out var timestamp))
                {
                    return JsonValue.Create("<invalid>");
                }

                return JsonValue.Create(timestamp == DateTimeOffset.MinValue ? "<unknown>" : HumanDuration(now - timestamp));
            default:
                return null;
        }
    }

    // metav1.Time reads RFC 3339 only (time.RFC3339: 'T', seconds, a zone; fractional seconds allowed).
    private static bool TryParseRfc3339(string text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        return Rfc3339Regex().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out timestamp);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Rfc3339Regex();

    // jsonpath PrintResults: strings as-is, scalars with Go's fmt, maps and lists as compact JSON.
    private static string Text(JsonNode value) => JsonNodes.TypeName(value) switch
    {
        JsonNodes.String => JsonNodes.StringOf((JsonValue)value),
        JsonNodes.Integer or JsonNodes.Number or JsonNodes.Boolean => GoText.RenderValue(value),
        _ => GoText.Marshal(value),
    };
}
