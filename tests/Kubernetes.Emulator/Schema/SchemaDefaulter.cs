using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// Structural defaulting as apiextensions does it: a property with a default is set when it is absent, or
/// when it is null and the property is not nullable; then defaulting recurses into every property, array
/// item and additionalProperties value — including values that were just defaulted. kube applies defaults
/// when reading from etcd and when decoding a request; the emulator stores defaulted objects, so applying
/// them on write is enough.
/// </summary>
public static class SchemaDefaulter
{
    public static void Apply(JsonNode obj, StructuralSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Default(obj, schema, depth: 0);
    }

    private static void Default(JsonNode? node, StructuralSchema s, int depth)
    {
        if (depth > 512)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, property) in s.Properties)
                {
                    if (!property.HasDefault || JsonNodes.IsNull(property.Default) && !property.Nullable)
                    {
                        continue;
                    }

                    var present = obj.TryGetPropertyValue(name, out var current);
                    if (!present || (JsonNodes.IsNull(current) && !property.Nullable))
                    {
                        obj[name] = property.Default?.DeepClone();
                    }
                }

                // Snapshot the keys: defaulting a child replaces nodes but never adds keys to this object.
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var child = obj[key];
                    if (s.Properties.TryGetValue(key, out var property))
                    {
                        Default(child, property, depth + 1);
                    }
                    else if (s.AdditionalProperties is { } additional)
                    {
                        Default(child, additional, depth + 1);
                    }
                }

                break;
            case JsonArray array when s.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    if (JsonNodes.IsNull(array[i]) && items.HasDefault && !JsonNodes.IsNull(items.Default) && !items.Nullable)
                    {
                        array[i] = items.Default!.DeepClone();
                    }

                    Default(array[i], items, depth + 1);
                }

                break;
        }
    }
}
