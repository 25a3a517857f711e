using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// Which lists are associative (merged by key fields), which are sets (merged by value), and which maps are
/// atomic; every other list is atomic (replaced whole). Paths are field names from the object root without
/// list indexes, e.g. ["spec","template","spec","containers","ports"]. Built-in rules match on the end of the
/// path so a pod template is handled the same wherever it sits (Pod, Deployment, Job, CronJob...).
/// </summary>
public sealed class MergeKeys
{
    private const string Any = "*";
    private const int MaxCachedPaths = 4096;

    // Server-side apply keys ports by port and protocol, and protocol defaults to TCP (kube's OpenAPI says so),
    // while strategic merge patch keys them by the port alone.
    private static readonly Dictionary<string, JsonNode> TcpDefault = new() { ["protocol"] = JsonValue.Create("TCP") };

    // Static fields initialise in order: the defaults above must exist before the rule tables below.
    private static readonly Rule[] MetadataRules =
    [
        Rule.Suffix(["metadata", "ownerReferences"], ListKind.Map, "uid"),
        Rule.Suffix(["metadata", "finalizers"], ListKind.Set),
    ];

    private static readonly string[] ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    private static readonly Rule[] CommonBuiltInRules = BuildCommonBuiltInRules();

    private static readonly HashSet<string> SelectorKinds = ["apps/Deployment", "apps/ReplicaSet", "apps/StatefulSet", "apps/DaemonSet", "batch/Job", "/ReplicationController"];

    private static readonly Dictionary<string, JsonNode> NoDefaults = [];

    private readonly IReadOnlyList<Rule> rules;

    // Every node of every patched object asks about its path; the answers never change, and one instance may serve
    // many concurrent requests.
    private readonly ConcurrentDictionary<string, Rule?> cache = new(StringComparer.Ordinal);

    private MergeKeys(IReadOnlyList<Rule> rules) => this.rules = rules;

    /// <summary>Only the ObjectMeta rules (ownerReferences by uid, finalizers as a set); every other list atomic.</summary>
    public static MergeKeys MetadataOnly { get; } = new(MetadataRules);

    public static MergeKeys ForBuiltIn(string group, string kind)
    {
        var specific = new List<Rule>();
        if (group.Length == 0 && kind == "Service")
        {
            specific.Add(Rule.Exact(["spec", "ports"], ListKind.Map, "port", "protocol") with { PatchKeys = ["port"], Defaults = TcpDefault });
            specific.Add(Rule.Exact(["spec", "selector"], ListKind.AtomicMap));
        }

        if (SelectorKinds.Contains($"{group}/{kind}"))
        {
            specific.Add(Rule.Exact(["spec", "selector"], ListKind.AtomicMap));
        }

        if (group == "batch" && kind == "CronJob")
        {
            specific.Add(Rule.Exact(["spec", "jobTemplate", "spec", "selector"], ListKind.AtomicMap));
        }

        return new MergeKeys([.. specific, .. CommonBuiltInRules]);
    }

    /// <summary>
    /// Reads a CRD's openAPIV3Schema: <c>x-kubernetes-list-type: map</c> with <c>x-kubernetes-list-map-keys</c>,
    /// <c>set</c>, and <c>x-kubernetes-map-type: atomic</c>; lists without a list type are atomic as in kube.
    /// ObjectMeta keeps its built-in rules.
    /// </summary>
    public static MergeKeys FromSchema(JsonObject openApiV3Schema)
    {
        var found = new List<Rule>();
        Walk(openApiV3Schema, [], found, depth: 0);
        return new MergeKeys([.. found, .. MetadataRules]);
    }

    /// <summary>The list-map keys server-side apply uses (kube's x-kubernetes-list-map-keys), e.g. containerPort and protocol.</summary>
    public IReadOnlyList<string>? KeysFor(IReadOnlyList<string> path) =>
        Find(path) is { Kind: ListKind.Map } rule ? rule.Keys : null;

    /// <summary>The merge key strategic merge patch uses (kube's patchMergeKey), e.g. containerPort alone.</summary>
    public IReadOnlyList<string>? PatchKeysFor(IReadOnlyList<string> path) =>
        Find(path) is { Kind: ListKind.Map } rule ? rule.PatchKeys ?? rule.Keys : null;

    /// <summary>Values of key fields an item may omit (kube fills them from the schema default before keying).</summary>
    internal IReadOnlyDictionary<string, JsonNode> KeyDefaultsFor(IReadOnlyList<string> path) =>
        Find(path)?.Defaults ?? NoDefaults;

    public bool IsSet(IReadOnlyList<string> path) => Find(path)?.Kind == ListKind.Set;

    /// <summary>Maps owned and replaced as one value (label selectors, nodeSelector, x-kubernetes-map-type: atomic).</summary>
    public bool IsAtomicMap(IReadOnlyList<string> path) => Find(path)?.Kind == ListKind.AtomicMap;

    private Rule? Find(IReadOnlyList<string> path)
    {
        var key = string.Join(FieldSet.Separator, path);
        if (cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var rule = rules.FirstOrDefault(rule => rule.Matches(path));

        // Paths hold user-chosen map keys (labels, annotations), so the cache must not grow without bound.
        if (cache.Count < MaxCachedPaths)
        {
            cache.TryAdd(key, rule);
        }

        return rule;
    }

    private static Rule[] BuildCommonBuiltInRules()
    {
        var list = new List<Rule>(MetadataRules)
        {
            Rule.Suffix(["status", "conditions"], ListKind.Map, "type"),
            Rule.Suffix(["spec", "volumes"], ListKind.Map, "name"),
            Rule.Suffix(["spec", "imagePullSecrets"], ListKind.Map, "name"),
            Rule.Suffix(["spec", "hostAliases"], ListKind.Map, "ip"),
            Rule.Suffix(["spec", "topologySpreadConstraints"], ListKind.Map, "topologyKey", "whenUnsatisfiable") with { PatchKeys = ["topologyKey"] },
            Rule.Suffix(["status", "podIPs"], ListKind.Map, "ip"),
            Rule.Suffix(["status", "hostIPs"], ListKind.Map, "ip"),
            Rule.Suffix(["spec", "schedulingGates"], ListKind.Map, "name"),
            Rule.Suffix(["spec", "resourceClaims"], ListKind.Map, "name"),
            Rule.Suffix(["spec", "nodeSelector"], ListKind.AtomicMap),
        };
        foreach (var containers in ContainerLists)
        {
            list.Add(Rule.Suffix(["spec", containers], ListKind.Map, "name"));
            list.Add(Rule.Suffix([containers, "ports"], ListKind.Map, "containerPort", "protocol") with { PatchKeys = ["containerPort"], Defaults = TcpDefault });
            list.Add(Rule.Suffix([containers, "env"], ListKind.Map, "name"));
            list.Add(Rule.Suffix([containers, "volumeMounts"], ListKind.Map, "mountPath"));
            list.Add(Rule.Suffix([containers, "volumeDevices"], ListKind.Map, "devicePath"));
            list.Add(Rule.Suffix([containers, "resizePolicy"], ListKind.Map, "resourceName"));
            list.Add(Rule.Suffix([containers, "resources", "claims"], ListKind.Map, "name"));
        }

        return [.. list];
    }

    private static void Walk(JsonObject schema, List<string> path, List<Rule> found, int depth)
    {
        // Schemas are user input: a deeply nested one must not overflow the stack.
        if (depth > 64)
        {
            return;
        }

        switch (JsonValues.AsString(schema["x-kubernetes-list-type"]))
        {
            case "map":
                var keys = (schema["x-kubernetes-list-map-keys"] as JsonArray)?.Select(JsonValues.AsString).OfType<string>().ToArray();
                if (keys is { Length: > 0 })
                {
                    var defaults = new Dictionary<string, JsonNode>();
                    foreach (var key in keys)
                    {
                        if ((schema["items"] as JsonObject)?["properties"] is JsonObject itemProperties && itemProperties[key] is JsonObject keySchema
                            && keySchema["default"] is JsonValue defaultValue)
                        {
                            defaults[key] = defaultValue.DeepClone();
                        }
                    }

                    found.Add(Rule.Exact([.. path], ListKind.Map, keys) with { Defaults = defaults });
                }

                break;
            case "set":
                found.Add(Rule.Exact([.. path], ListKind.Set));
                break;
        }

        if (JsonValues.AsString(schema["x-kubernetes-map-type"]) == "atomic")
        {
            found.Add(Rule.Exact([.. path], ListKind.AtomicMap));
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                if (child is JsonObject childSchema)
                {
                    Walk(childSchema, [.. path, name], found, depth + 1);
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Walk(items, path, found, depth + 1);
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            Walk(additional, [.. path, Any], found, depth + 1);
        }
    }

    private enum ListKind
    {
        Map,
        Set,
        AtomicMap,
    }

    private sealed record Rule(string[] Pattern, bool IsSuffix, ListKind Kind, string[]? Keys)
    {
        public string[]? PatchKeys { get; init; }

        public Dictionary<string, JsonNode>? Defaults { get; init; }

        public static Rule Suffix(string[] pattern, ListKind kind, params string[] keys) => new(pattern, true, kind, keys.Length > 0 ? keys : null);

        public static Rule Exact(string[] pattern, ListKind kind, params string[] keys) => new(pattern, false, kind, keys.Length > 0 ? keys : null);

        public bool Matches(IReadOnlyList<string> path)
        {
            if (IsSuffix ? path.Count < Pattern.Length : path.Count != Pattern.Length)
            {
                return false;
            }

            var offset = path.Count - Pattern.Length;
            for (var i = 0; i < Pattern.Length; i++)
            {
                if (Pattern[i] != Any && Pattern[i] != path[offset + i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
