using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// RFC 6902 JSON patch (add, remove, replace, move, copy, test) with RFC 6901 pointers.
/// A failing operation rejects the whole patch with 422 and a message worded like kube-apiserver's
/// (which uses evanphx/json-patch); the input document is never modified.
/// </summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        JsonNode? document = target.DeepClone();
        foreach (var entry in operations)
        {
            if (entry is not JsonObject operation)
            {
                throw new PatchException("json patch operation must be an object");
            }

            var kind = JsonValues.AsString(operation["op"]);
            var path = ReadPointer(operation, "path", kind ?? "unknown");
            switch (kind)
            {
                case "add":
                    document = Add(document, path, RequireValue(operation, kind), kind);
                    break;
                case "remove":
                    document = Remove(document, path, kind, out _);
                    break;
                case "replace":
                    document = Replace(document, path, RequireValue(operation, kind));
                    break;
                case "move":
                {
                    var from = ReadPointer(operation, "from", kind);
                    if (from.SequenceEqual(path))
                    {
                        break;
                    }

                    if (path.Count > from.Count && path.Take(from.Count).SequenceEqual(from))
                    {
                        throw new PatchException($"move operation does not apply: cannot move {JsonPointer.Format(from)} into its own child {JsonPointer.Format(path)}");
                    }

                    if (!JsonPointer.TryGet(document, from, out _))
                    {
                        throw new PatchException($"move operation does not apply: doc is missing from path: {JsonPointer.Format(from)}: missing value");
                    }

                    document = Remove(document, from, kind, out var moved);
                    document = Add(document, path, moved, kind);
                    break;
                }

                case "copy":
                {
                    var from = ReadPointer(operation, "from", kind);
                    if (!JsonPointer.TryGet(document, from, out var copied))
                    {
                        throw new PatchException($"copy operation does not apply: doc is missing from path: {JsonPointer.Format(from)}: missing value");
                    }

                    document = Add(document, path, copied?.DeepClone(), kind);
                    break;
                }

                case "test":
                {
                    var expected = RequireValue(operation, kind);
                    if (!JsonPointer.TryGet(document, path, out var actual) || !JsonValues.DeepEquals(actual, expected))
                    {
                        throw new PatchException($"testing value {JsonPointer.Format(path)} failed: test failed");
                    }

                    break;
                }

                case null:
                    throw new PatchException("Unexpected kind: missing \"op\"");
                default:
                    throw new PatchException($"Unexpected kind: {kind}");
            }
        }

        return document ?? throw new PatchException("json patch produced a null document");
    }

    private static IReadOnlyList<string> ReadPointer(JsonObject operation, string member, string kind)
    {
        var text = JsonValues.AsString(operation[member])
            ?? throw new PatchException($"{kind} operation does not apply: operation missing {member} field");
        return JsonPointer.Parse(text);
    }

    private static JsonNode? RequireValue(JsonObject operation, string kind)
    {
        if (!operation.TryGetPropertyValue("value", out var value))
        {
            throw new PatchException($"{kind} operation does not apply: missing value");
        }

        return value?.DeepClone();
    }

    private static JsonNode? Add(JsonNode? document, IReadOnlyList<string> path, JsonNode? value, string kind)
    {
        if (path.Count == 0)
        {
            return value;
        }

        var missing = $"{kind} operation does not apply: doc is missing path: \"{JsonPointer.Format(path)}\": missing value";
        if (!JsonPointer.TryGet(document, path.Take(path.Count - 1).ToList(), out var parent))
        {
            throw new PatchException(missing);
        }

        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array:
                if (!JsonPointer.TryIndex(last, out var index) || index > array.Count)
                {
                    throw new PatchException($"{kind} operation does not apply: Unable to access invalid index: {last}: invalid index referenced");
                }

                array.Insert(index, value);
                break;
            default:
                throw new PatchException(missing);
        }

        return document;
    }

    private static JsonNode? Remove(JsonNode? document, IReadOnlyList<string> path, string kind, out JsonNode? removed)
    {
        var missing = $"{kind} operation does not apply: doc is missing path: \"{JsonPointer.Format(path)}\": missing value";
        if (path.Count == 0 || !JsonPointer.TryGet(document, path, out removed))
        {
            throw new PatchException(missing);
        }

        JsonPointer.TryGet(document, path.Take(path.Count - 1).ToList(), out var parent);
        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(path[^1]);
                break;
            case JsonArray array:
                JsonPointer.TryIndex(path[^1], out var index);
                array.RemoveAt(index);
                break;
        }

        return document;
    }

    private static JsonNode? Replace(JsonNode? document, IReadOnlyList<string> path, JsonNode? value)
    {
        if (path.Count == 0)
        {
            return value;
        }

        if (!JsonPointer.TryGet(document, path, out _))
        {
            throw new PatchException($"replace operation does not apply: doc is missing key: {JsonPointer.Format(path)}: missing value");
        }

        JsonPointer.TryGet(document, path.Take(path.Count - 1).ToList(), out var parent);
        switch (parent)
        {
            case JsonObject obj:
                obj[path[^1]] = value;
                break;
            case JsonArray array:
                JsonPointer.TryIndex(path[^1], out var index);
                array[index] = value;
                break;
        }

        return document;
    }
}
