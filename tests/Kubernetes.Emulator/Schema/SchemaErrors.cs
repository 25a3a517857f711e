using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>Formats field errors the way apimachinery's errors.NewInvalid does.</summary>
public static class SchemaErrors
{
    /// <summary>
    /// The 422 Status message: <c>Kind.group "name" is invalid: field: body</c>, or with several distinct
    /// errors <c>[a: x, b: y]</c> (duplicates collapse, as utilerrors.Aggregate does). An empty group gives
    /// just the Kind, as GroupKind.String() does for the core group.
    /// </summary>
    public static string InvalidMessage(string kind, string group, string name, IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var qualified = string.IsNullOrEmpty(group) ? kind : $"{kind}.{group}";
        var head = $"{qualified} {GoText.Quote(name)} is invalid";
        var distinct = new List<string>();
        foreach (var error in errors)
        {
            var text = error.ToString();
            if (!distinct.Contains(text, StringComparer.Ordinal))
            {
                distinct.Add(text);
            }
        }

        return distinct.Count switch
        {
            0 => head,
            1 => $"{head}: {distinct[0]}",
            _ => $"{head}: [{string.Join(", ", distinct)}]",
        };
    }

    /// <summary>
    /// The whole 422 Invalid Status, as errors.NewInvalid builds it: details.kind is the Kind (not the
    /// plural), an empty group is omitted, each cause carries reason, message (the error body) and field.
    /// </summary>
    public static JsonObject InvalidStatus(string kind, string group, string name, IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var details = new JsonObject();
        if (!string.IsNullOrEmpty(name))
        {
            details["name"] = name;
        }

        if (!string.IsNullOrEmpty(group))
        {
            details["group"] = group;
        }

        details["kind"] = kind;
        if (errors.Count > 0)
        {
            details["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
            {
                ["reason"] = e.Reason,
                ["message"] = e.Message,
                ["field"] = e.Field,
            }).ToArray());
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = InvalidMessage(kind, group, name, errors),
            ["reason"] = "Invalid",
            ["details"] = details,
            ["code"] = 422,
        };
    }

    /// <summary>
    /// The 400 message for fieldValidation=Strict when pruning dropped fields: the CR handler's decode error
    /// <c>Kind in version "v1" cannot be handled as a Kind: strict decoding error: unknown field "spec.foo", …</c>.
    /// </summary>
    public static string StrictDecodingMessage(string kind, string version, IReadOnlyList<string> unknownFields)
    {
        ArgumentNullException.ThrowIfNull(unknownFields);
        return $"{kind} in version {GoText.Quote(version)} cannot be handled as a {kind}: strict decoding error: {string.Join(", ", unknownFields.Select(UnknownFieldWarning))}";
    }

    /// <summary>One Warning header text for fieldValidation=Warn: <c>unknown field "spec.foo"</c>.</summary>
    public static string UnknownFieldWarning(string field) => $"unknown field {GoText.Quote(field)}";
}
