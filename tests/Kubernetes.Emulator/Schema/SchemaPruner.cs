using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// Structural pruning as apiextensions does it: every field the schema does not specify is dropped, except
/// inside x-kubernetes-preserve-unknown-fields (where specified children are still pruned by their own
/// schemas), and except apiVersion, kind and metadata at the resource root and in embedded resources.
/// Also drops non-nullable nulls that have no default (kube's PruneNonNullableNullsWithoutDefaults); those
/// are not reported as unknown fields.
/// </summary>
public static class SchemaPruner
{
    /// <summary>
    /// Prunes in place and returns the dropped paths ("spec.foo", "spec.steps[0].bar") sorted ordinally,
    /// as PruneWithOptions sorts them before the CR handler turns them into strict-decoding errors.
    /// </summary>
    public static IReadOnlyList<string> Prune(JsonNode obj, StructuralSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var pruned = new List<string>();
        PruneNode(obj, schema, "", pruned, resourceRoot: true, depth: 0);
        pruned.Sort(StringComparer.Ordinal);
        return pruned;
    }

    private static void PruneNode(JsonNode? node, StructuralSchema? s, string path, List<string> pruned, bool resourceRoot, int depth)
    {
        if (depth > 512)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                PruneObject(obj, s, path, pruned, resourceRoot || s?.EmbeddedResource == true, depth);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    PruneNode(array[i], s is null ? null : s.Items ?? Unknown(s), $"{path}[{i}]", pruned, resourceRoot: false, depth + 1);
                }

                break;
        }
    }

    private static void PruneObject(JsonObject obj, StructuralSchema? s, string path, List<string> pruned, bool resourceRoot, int depth)
    {
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            var value = obj[key];
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (resourceRoot && IsResourceRootField(key, value))
            {
                continue;
            }

            if (s is not null && s.Properties.TryGetValue(key, out var property))
            {
                // A JSON null default counts as no default, as in kube (Default.Object == nil).
                if (JsonNodes.IsNull(value) && !property.Nullable && JsonNodes.IsNull(property.Default))
                {
                    obj.Remove(key);
                    continue;
                }

                PruneNode(value, property, childPath, pruned, resourceRoot: false, depth + 1);
            }
            else if (s?.AdditionalProperties is { } additional)
            {
                PruneNode(value, additional, childPath, pruned, resourceRoot: false, depth + 1);
            }
            else if (s is not null && (s.PreserveUnknownFields || s.AdditionalPropertiesAllowed))
            {
                // Unknown but preserved: nested values are kept whole.
            }
            else
            {
                pruned.Add(childPath);
                obj.Remove(key);
            }
        }
    }

    // kube keeps these at a resource root only with the right JSON type; a non-string kind is pruned.
    private static bool IsResourceRootField(string key, JsonNode? value) => key switch
    {
        "apiVersion" or "kind" => JsonNodes.TryGetString(value, out _),
        "metadata" => value is JsonObject,
        _ => false,
    };

    // An array schema without items (not structural, but tolerated): keep elements only if unknowns are preserved.
    private static StructuralSchema? Unknown(StructuralSchema s) => s.PreserveUnknownFields ? s : null;
}
