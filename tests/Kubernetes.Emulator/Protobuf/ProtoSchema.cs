using System.Globalization;

namespace MlOperator.Kubernetes.Emulator.Protobuf;

/// <summary>The parsed <see cref="ProtoTables"/>: messages by alias-qualified name, and the root message of each served kind.</summary>
internal static class ProtoSchema
{
    /// <summary>One field: its JSON name, type (scalar code or message name), map key/value types, and flags.</summary>
    internal sealed record Field(int Number, string Name, string Type, string? MapKey, string? MapValue, bool Repeated, bool KeepZero, bool Inline);

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["v1"] = "core", ["apps/v1"] = "apps", ["batch/v1"] = "batch", ["rbac.authorization.k8s.io/v1"] = "rbac",
        ["networking.k8s.io/v1"] = "net", ["policy/v1"] = "policy", ["scheduling.k8s.io/v1"] = "sched",
        ["coordination.k8s.io/v1"] = "coord", ["discovery.k8s.io/v1"] = "disc", ["autoscaling/v2"] = "as2", ["autoscaling/v1"] = "as1",
    };

    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<int, Field>> Messages = Parse(ProtoTables.Messages);

    /// <summary>The message for a top-level object of this apiVersion and kind, or null when the emulator has no table for it.</summary>
    public static string? RootMessage(string apiVersion, string kind)
    {
        if (!Aliases.TryGetValue(apiVersion, out var alias)) return null;
        var name = alias + "." + kind;
        return Messages.ContainsKey(name) && Messages[name].TryGetValue(1, out var meta) && meta.Name == "metadata" ? name : null;
    }

    private static Dictionary<string, IReadOnlyDictionary<int, Field>> Parse(string text)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<int, Field>>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bar = raw.IndexOf('|');
            var fields = new Dictionary<int, Field>();
            foreach (var spec in raw[(bar + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = spec.Split(':');
                var number = int.Parse(parts[0], CultureInfo.InvariantCulture);
                var type = parts[2];
                var flags = parts.Length > 3 ? parts[3] : "";
                string? key = null, value = null;
                if (type.StartsWith("m<", StringComparison.Ordinal))
                {
                    var inner = type[2..^1].Split(',');
                    (key, value) = (inner[0], inner[1]);
                }
                fields[number] = new Field(number, parts[1], type, key, value, flags.Contains('r'), flags.Contains('k'), flags.Contains('i'));
            }
            result[raw[..bar]] = fields;
        }
        return result;
    }
}
