using k8s.Models;

namespace MlOperator.Operator.Resources;

/// <summary>Quantity maps between our plain text (defaults, accelerator placement) and the library's <see cref="ResourceQuantity"/>.</summary>
public static class ResourceQuantities
{
    /// <summary>A map in the given order (the order decides the JSON, and so the revision hash).</summary>
    public static Dictionary<string, ResourceQuantity> Map(IEnumerable<KeyValuePair<string, string>> quantities)
    {
        var map = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        foreach (var (name, text) in quantities)
        {
            map[name] = new ResourceQuantity(text);
        }

        return map;
    }

    /// <summary>The canonical text of each quantity ("0.5" reads back as "500m").</summary>
    public static IReadOnlyDictionary<string, string> Texts(IDictionary<string, ResourceQuantity>? map) =>
        map?.ToDictionary(q => q.Key, q => q.Value?.ToString() ?? "", StringComparer.Ordinal) ?? new Dictionary<string, string>();
}
