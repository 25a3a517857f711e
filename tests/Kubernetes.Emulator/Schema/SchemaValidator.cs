using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// Validates a custom resource against its structural schema the way kube-apiserver does: kube-openapi's
/// checks turned into field errors by apiextensions' kubeOpenAPIResultToFieldErrors, then the
/// x-kubernetes-list-type uniqueness pass, then embedded-resource apiVersion/kind checks.
/// Messages are kube's: <c>Invalid value: "string": spec.replicas in body must be of type integer: "string"</c>.
/// One deliberate simplification: a value of the wrong type reports only the type error (kube-openapi may
/// add, e.g., an enum error for the same value).
/// </summary>
public static class SchemaValidator
{
    private static readonly string[] ResourceRootFields = ["apiVersion", "kind", "metadata"];

    public static IReadOnlyList<FieldError> Validate(JsonNode obj, StructuralSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var errors = new List<FieldError>();
        ValidateNode(obj, schema, "", errors, resourceRoot: true, depth: 0);
        ValidateListTypes(obj, schema, "", errors, depth: 0);
        return errors;
    }

    private static void ValidateNode(JsonNode? node, StructuralSchema s, string path, List<FieldError> errors, bool resourceRoot, int depth)
    {
        if (depth > 512)
        {
            return;
        }

        if (JsonNodes.IsNull(node))
        {
            var expected = ExpectedType(s);
            if (!s.Nullable && expected is not null)
            {
                errors.Add(TypeError(path, expected, JsonNodes.Null));
            }

            return;
        }

        var actual = JsonNodes.TypeName(node);
        var expectedType = ExpectedType(s);
        if (expectedType is not null && !TypeMatches(s, node!, actual))
        {
            // kube-openapi names the format, not the type, when a non-string, non-array value misses a
            // formatted schema, and reports the Go format it inferred (int64, float64, or none).
            if (s.Format is { } format && StringFormats.IsSupported(format) && actual is not (JsonNodes.String or JsonNodes.Array))
            {
                var inferred = actual switch
                {
                    JsonNodes.Integer => "int64",
                    JsonNodes.Number => "float64",
                    _ => "",
                };
                errors.Add(new FieldError(FieldError.TypeInvalid, path, $"Invalid value: {GoText.Quote(inferred)}: {Name(path)} in body must be of type {format}: {GoText.Quote(inferred)}"));
            }
            else
            {
                errors.Add(TypeError(path, expectedType, actual));
            }

            return;
        }

        switch (node)
        {
            case JsonValue when actual == JsonNodes.String:
                ValidateString(JsonNodes.StringOf((JsonValue)node), s, path, errors);
                break;
            case JsonValue when actual is JsonNodes.Integer or JsonNodes.Number:
                ValidateNumber(node, s, path, errors);
                break;
            case JsonArray array:
                if (s.Items is not null)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        ValidateNode(array[i], s.Items, $"{path}[{i}]", errors, resourceRoot: false, depth + 1);
                    }
                }

                if (s.MinItems is { } minItems && array.Count < minItems)
                {
                    errors.Add(new FieldError(FieldError.Invalid, path, $"Invalid value: {array.Count}: {Name(path)} in body should have at least {minItems} items"));
                }

                if (s.MaxItems is { } maxItems && array.Count > maxItems)
                {
                    errors.Add(new FieldError(FieldError.TooMany, path, $"Too many: {array.Count}: must have at most {maxItems} {(maxItems == 1 ? "item" : "items")}"));
                }

                break;
        }

        if (s.Enum is { Count: > 0 } allowed && !allowed.Any(v => JsonNodes.SemanticEquals(v, node)))
        {
            var supported = allowed.Select(v => GoText.Quote(JsonNodes.TryGetString(v, out var text) ? text : GoText.Marshal(v)));
            errors.Add(new FieldError(FieldError.NotSupported, path, $"Unsupported value: {GoText.RenderValue(node)}: supported values: {string.Join(", ", supported)}"));
        }

        if (node is JsonObject obj)
        {
            ValidateObject(obj, s, path, errors, resourceRoot || s.EmbeddedResource, depth);
        }
    }

    // kube-openapi's objectValidator order: property counts, additionalProperties values, declared
    // properties (Go map order there; document order here), then required.
    private static void ValidateObject(JsonObject obj, StructuralSchema s, string path, List<FieldError> errors, bool resourceRoot, int depth)
    {
        if (s.MinProperties is { } minProperties && obj.Count < minProperties)
        {
            errors.Add(new FieldError(FieldError.Invalid, path, $"Invalid value: {obj.Count}: {Name(path)} in body should have at least {minProperties} properties"));
        }

        if (s.MaxProperties is { } maxProperties && obj.Count > maxProperties)
        {
            errors.Add(new FieldError(FieldError.TooMany, path, $"Too many: {obj.Count}: must have at most {maxProperties} {(maxProperties == 1 ? "item" : "items")}"));
        }

        if (s.AdditionalProperties is { } additional)
        {
            foreach (var (key, value) in obj)
            {
                if (!s.Properties.ContainsKey(key) && !(resourceRoot && ResourceRootFields.Contains(key, StringComparer.Ordinal)))
                {
                    ValidateNode(value, additional, Child(path, key), errors, resourceRoot: false, depth + 1);
                }
            }
        }

        foreach (var (key, value) in obj)
        {
            if (!s.Properties.TryGetValue(key, out var property))
            {
                continue;
            }

            var childPath = Child(path, key);
            if (resourceRoot && ResourceRootFields.Contains(key, StringComparer.Ordinal))
            {
                // apiVersion/kind/metadata are the apiserver's business; the schema may only pin their type.
                if (property.Type is { } type && !JsonNodes.IsNull(value) && !TypeMatches(property, value!, JsonNodes.TypeName(value)))
                {
                    errors.Add(TypeError(childPath, type, JsonNodes.TypeName(value)));
                }

                continue;
            }

            ValidateNode(value, property, childPath, errors, resourceRoot: false, depth + 1);
        }

        foreach (var required in s.Required)
        {
            if (!obj.ContainsKey(required))
            {
                errors.Add(new FieldError(FieldError.Required, Child(path, required), "Required value"));
            }
        }

        if (s.EmbeddedResource)
        {
            ValidateEmbeddedResource(obj, path, errors);
        }
    }

    private static void ValidateEmbeddedResource(JsonObject obj, string path, List<FieldError> errors)
    {
        foreach (var field in new[] { "apiVersion", "kind" })
        {
            var fieldPath = Child(path, field);
            if (!obj.TryGetPropertyValue(field, out var value))
            {
                errors.Add(new FieldError(FieldError.Required, fieldPath, "Required value: must not be empty"));
            }
            else if (!JsonNodes.TryGetString(value, out var text))
            {
                errors.Add(new FieldError(FieldError.Invalid, fieldPath, $"Invalid value: {GoText.RenderValue(value)}: must be a string"));
            }
            else if (text.Length == 0)
            {
                errors.Add(new FieldError(FieldError.Invalid, fieldPath, "Invalid value: \"\": must not be empty"));
            }
            else if (field == "apiVersion" && text.Count(c => c == '/') > 1)
            {
                errors.Add(new FieldError(FieldError.Invalid, fieldPath, $"Invalid value: {GoText.Quote(text)}: unexpected GroupVersion string: {text}"));
            }
        }
    }

    private static void ValidateString(string value, StructuralSchema s, string path, List<FieldError> errors)
    {
        // kube-openapi counts runes, not bytes or UTF-16 units.
        var length = value.EnumerateRunes().Count();
        if (s.MaxLength is { } maxLength && length > maxLength)
        {
            errors.Add(new FieldError(FieldError.TooLong, path, $"Too long: may not be more than {maxLength} {(maxLength == 1 ? "byte" : "bytes")}"));
        }

        if (s.MinLength is { } minLength && length < minLength)
        {
            errors.Add(new FieldError(FieldError.Invalid, path, $"Invalid value: {GoText.Quote(value)}: {Name(path)} in body should be at least {minLength} chars long"));
        }

        if (s.PatternRegex is { } regex && !Matches(regex, value))
        {
            errors.Add(new FieldError(FieldError.Invalid, path, $"Invalid value: {GoText.Quote(value)}: {Name(path)} in body should match '{s.Pattern}'"));
        }

        if (s.Format is { } format && StringFormats.IsSupported(format) && !StringFormats.IsValid(format, value))
        {
            errors.Add(new FieldError(FieldError.TypeInvalid, path, $"Invalid value: {GoText.Quote(value)}: {Name(path)} in body must be of type {format}: {GoText.Quote(value)}"));
        }
    }

    private static void ValidateNumber(JsonNode node, StructuralSchema s, string path, List<FieldError> errors)
    {
        if (!JsonNodes.TryGetDouble(node, out var value))
        {
            return;
        }

        var rendered = GoText.RenderValue(node);
        if (s.MultipleOf is { } multipleOf && multipleOf > 0 && !IsMultiple(value, multipleOf))
        {
            errors.Add(new FieldError(FieldError.Invalid, path, $"Invalid value: {rendered}: {Name(path)} in body should be a multiple of {GoText.FormatFloat(multipleOf)}"));
        }

        if (s.Maximum is { } maximum && (s.ExclusiveMaximum ? value >= maximum : value > maximum))
        {
            var relation = s.ExclusiveMaximum ? "less than" : "less than or equal to";
            errors.Add(new FieldError(FieldError.Invalid, path, $"Invalid value: {rendered}: {Name(path)} in body should be {relation} {GoText.FormatFloat(maximum)}"));
        }

        if (s.Minimum is { } minimum && (s.ExclusiveMinimum ? value <= minimum : value < minimum))
        {
            var relation = s.ExclusiveMinimum ? "greater than" : "greater than or equal to";
            errors.Add(new FieldError(FieldError.Invalid, path, $"Invalid value: {rendered}: {Name(path)} in body should be {relation} {GoText.FormatFloat(minimum)}"));
        }
    }

    private static void ValidateListTypes(JsonNode? node, StructuralSchema s, string path, List<FieldError> errors, int depth)
    {
        if (depth > 512)
        {
            return;
        }

        switch (node)
        {
            case JsonArray array:
                if (s.ListType == "set")
                {
                    foreach (var i in FirstRepeats(array.Select(Identity).ToList()))
                    {
                        errors.Add(new FieldError(FieldError.Duplicate, $"{path}[{i}]", $"Duplicate value: {GoText.RenderValue(array[i])}"));
                    }
                }
                else if (s.ListType == "map")
                {
                    ValidateListMap(array, s, path, errors);
                }

                if (s.Items is not null)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        ValidateListTypes(array[i], s.Items, $"{path}[{i}]", errors, depth + 1);
                    }
                }

                break;
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (s.Properties.TryGetValue(key, out var property))
                    {
                        ValidateListTypes(value, property, Child(path, key), errors, depth + 1);
                    }
                    else if (s.AdditionalProperties is { } additional)
                    {
                        // listtype validation names map entries the field.Path way: labels[key].
                        ValidateListTypes(value, additional, $"{path}[{key}]", errors, depth + 1);
                    }
                }

                break;
        }
    }

    private static void ValidateListMap(JsonArray array, StructuralSchema s, string path, List<FieldError> errors)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (!JsonNodes.IsNull(array[i]) && array[i] is not JsonObject)
            {
                errors.Add(new FieldError(FieldError.Invalid, $"{path}[{i}]", $"Invalid value: {GoText.RenderValue(array[i])}: must be an object for an array of list-type map"));
                return;
            }
        }

        var keys = new List<JsonObject>();
        foreach (var item in array)
        {
            var key = new JsonObject();
            if (item is JsonObject element)
            {
                foreach (var keyField in s.ListMapKeys)
                {
                    if (element.TryGetPropertyValue(keyField, out var keyValue))
                    {
                        key[keyField] = keyValue?.DeepClone();
                    }
                }
            }

            keys.Add(key);
        }

        foreach (var i in FirstRepeats(keys.Select(k => GoText.Marshal(k)).ToList()))
        {
            errors.Add(new FieldError(FieldError.Duplicate, $"{path}[{i}]", $"Duplicate value: {GoText.RenderValue(keys[i])}"));
        }
    }

    /// <summary>Index of the second appearance of each repeated identity (kube reports only that one).</summary>
    private static IEnumerable<int> FirstRepeats(IReadOnlyList<string> identities)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < identities.Count; i++)
        {
            seen.TryGetValue(identities[i], out var times);
            seen[identities[i]] = times + 1;
            if (times == 1)
            {
                yield return i;
            }
        }
    }

    // int64 1 and float64 1 are different Go map keys, so the type is part of a scalar's identity.
    private static string Identity(JsonNode? node) => JsonNodes.TypeName(node) + ":" + GoText.Marshal(node);

    private static string? ExpectedType(StructuralSchema s) => s.IntOrString ? "integer,string" : s.Type;

    private static bool TypeMatches(StructuralSchema s, JsonNode node, string actual)
    {
        if (s.IntOrString)
        {
            return actual is JsonNodes.String or JsonNodes.Integer || IsIntegralNumber(node, actual);
        }

        return s.Type switch
        {
            null => true,
            JsonNodes.Integer => actual == JsonNodes.Integer || IsIntegralNumber(node, actual),
            JsonNodes.Number => actual is JsonNodes.Integer or JsonNodes.Number,
            var t => t == actual,
        };
    }

    // kube-openapi accepts a float64 with no fraction (2.0) where an integer is expected.
    private static bool IsIntegralNumber(JsonNode node, string actual) =>
        actual == JsonNodes.Number && JsonNodes.TryGetDouble(node, out var d) && Math.Abs(d) < 9.007199254740992E15 && Math.Floor(d) == d;

    private static FieldError TypeError(string path, string expected, string actual) =>
        new(FieldError.TypeInvalid, path, $"Invalid value: {GoText.Quote(actual)}: {Name(path)} in body must be of type {expected}: {GoText.Quote(actual)}");

    private static bool IsMultiple(double value, double multipleOf)
    {
        var quotient = value / multipleOf;
        return Math.Abs(quotient - Math.Round(quotient)) < 1e-9;
    }

    private static bool Matches(Regex regex, string value)
    {
        try
        {
            return regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Name(string path) => path.Length == 0 ? "." : path;
}
