using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MlOperator.Operator.Crds;

/// <summary>
/// The field reference of a CRD as Markdown, written from its OpenAPI schema (the same one the API server
/// validates with), so docs/modeldeployment-reference.md cannot disagree with what the cluster accepts.
/// </summary>
public static class CrdReference
{
    public static string Markdown(JsonObject crd)
    {
        var kind = (string?)crd["spec"]?["names"]?["kind"] ?? "resource";
        var group = (string?)crd["spec"]?["group"];
        var version = crd["spec"]!["versions"]![0]!;
        var schema = version["schema"]!["openAPIV3Schema"]!.AsObject();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {kind} ({group}/{(string?)version["name"]}) field reference\n\n");
        text.Append("Generated from the CRD schema (config/crds) by `CrdReference`; a unit test fails when it drifts. ");
        text.Append("The API server enforces every type, enum, range, pattern and rule listed here.\n\n");
        if (Description(schema) is { Length: > 0 } description)
        {
            text.Append(description).Append("\n\n");
        }

        foreach (var section in new[] { "spec", "status" })
        {
            if (schema["properties"]?[section] is JsonObject part)
            {
                text.Append(CultureInfo.InvariantCulture, $"## {section}\n\n");
                text.Append("| Field | Type | Default | Constraints | Description |\n|---|---|---|---|---|\n");
                Rows(text, section, part, required: false);
                text.Append('\n');
                Rules(text, section, part);
            }
        }

        return text.ToString();
    }

    private static void Rows(StringBuilder text, string path, JsonObject node, bool required)
    {
        if (path.Contains('.'))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| `{path}`{(required ? " (required)" : "")} | {Type(node)} | {Default(node)} | {Constraints(node)} | {Cell(Description(node))} |\n");
        }

        var items = node["items"] as JsonObject;
        var container = (string?)node["type"] == "array" && items is not null ? items : node;
        var suffix = ReferenceEquals(container, items) ? "[]" : "";
        if (container["properties"] is JsonObject properties)
        {
            var requiredNames = container["required"]?.AsArray().Select(n => (string?)n).ToHashSet() ?? [];
            foreach (var (name, child) in properties)
            {
                Rows(text, $"{path}{suffix}.{name}", child!.AsObject(), requiredNames.Contains(name));
            }
        }
    }

    private static void Rules(StringBuilder text, string path, JsonObject node)
    {
        var rules = new List<(string Path, string Message)>();
        Collect(rules, path, node);
        if (rules.Count == 0)
        {
            return;
        }

        text.Append("Cross-field rules:\n\n");
        foreach (var (where, message) in rules)
        {
            text.Append(CultureInfo.InvariantCulture, $"- `{where}`: {message}\n");
        }

        text.Append('\n');
    }

    private static void Collect(List<(string, string)> rules, string path, JsonObject node)
    {
        foreach (var rule in node["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            rules.Add((path, (string?)rule!["message"] ?? (string)rule["rule"]!));
        }

        foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
        {
            Collect(rules, $"{path}.{name}", child!.AsObject());
        }

        if (node["items"] is JsonObject items)
        {
            Collect(rules, path + "[]", items);
        }
    }

    private static string Type(JsonObject node)
    {
        if (node["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            return "integer or string";
        }

        var type = (string?)node["type"] ?? "object";
        return type switch
        {
            "array" => $"array of {Type(node["items"]!.AsObject())}",
            "object" when node["additionalProperties"] is JsonObject values => $"map of {Type(values)}",
            _ => type,
        };
    }

    private static string Default(JsonObject node) => node["default"] is { } value ? $"`{value.ToJsonString()}`" : "";

    private static string Constraints(JsonObject node)
    {
        var parts = new List<string>();
        if (node["enum"] is JsonArray values)
        {
            parts.Add("one of " + string.Join(", ", values.Select(v => $"`{(string?)v}`")));
        }

        Add(parts, node, "minimum", "≥ ");
        Add(parts, node, "maximum", "≤ ");
        Add(parts, node, "minLength", "length ≥ ");
        Add(parts, node, "maxLength", "length ≤ ");
        Add(parts, node, "minItems", "items ≥ ");
        Add(parts, node, "maxItems", "items ≤ ");
        if ((string?)node["pattern"] is { } pattern)
        {
            parts.Add($"pattern `{pattern.Replace("|", "\\|", StringComparison.Ordinal)}`");
        }

        return string.Join("; ", parts);
    }

    private static void Add(List<string> parts, JsonObject node, string key, string prefix)
    {
        if (node[key] is { } value)
        {
            parts.Add(prefix + value.ToJsonString());
        }
    }

    private static string Description(JsonObject node) => (string?)node["description"] ?? "";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
