using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// A set of field paths in kube's FieldsV1 element syntax: <c>f:name</c> (field), <c>k:{"name":"app"}</c>
/// (associative list item), <c>v:"x"</c> (set value), <c>i:0</c> (index). A path is its elements joined with a
/// unit separator, which JSON text never contains raw, so plain string sets do the set algebra.
/// </summary>
internal sealed class FieldSet
{
    public const char Separator = '\u001f';

    private readonly HashSet<string> paths;

    public FieldSet() => paths = new HashSet<string>(StringComparer.Ordinal);

    public FieldSet(IEnumerable<string> paths) => this.paths = new HashSet<string>(paths, StringComparer.Ordinal);

    public bool IsEmpty => paths.Count == 0;

    public IEnumerable<string> Paths => paths;

    public static string Join(string parent, string element) => parent.Length == 0 ? element : parent + Separator + element;

    public static string[] Split(string path) => path.Split(Separator);

    public static string? Parent(string path)
    {
        var cut = path.LastIndexOf(Separator);
        return cut < 0 ? null : path[..cut];
    }

    public void Add(string path) => paths.Add(path);

    public bool Contains(string path) => paths.Contains(path);

    /// <summary>True when the set has the path itself or anything below it.</summary>
    public bool ContainsOrBelow(string path) => paths.Contains(path) || HasBelow(path);

    public bool HasBelow(string path)
    {
        var prefix = path + Separator;
        return paths.Any(p => p.StartsWith(prefix, StringComparison.Ordinal));
    }

    public FieldSet Union(FieldSet other) => new(paths.Concat(other.paths));

    public FieldSet Except(FieldSet other) => new(paths.Where(p => !other.paths.Contains(p)));

    public FieldSet Intersect(FieldSet other) => new(paths.Where(other.paths.Contains));

    public bool SetEquals(FieldSet other) => paths.SetEquals(other.paths);

    /// <summary>The FieldsV1 tree: a path that is both owned and a parent gets a "." member.</summary>
    public JsonObject ToFieldsV1()
    {
        var root = new Node();
        foreach (var path in paths)
        {
            var node = root;
            foreach (var element in Split(path))
            {
                node = node.Child(element);
            }

            node.Member = true;
        }

        return root.ToJson();
    }

    public static FieldSet FromFieldsV1(JsonObject? fields)
    {
        var set = new FieldSet();
        if (fields is not null)
        {
            Read(fields, string.Empty, set, depth: 0);
        }

        return set;
    }

    /// <summary>kube's printed path: <c>.spec.containers[name="app"].image</c>, <c>.metadata.finalizers[="x"]</c>.</summary>
    public static string Describe(string path) => string.Concat(Split(path).Select(DescribeElement));

    private static string DescribeElement(string element)
    {
        var body = element.Length > 2 ? element[2..] : string.Empty;
        switch (element[..Math.Min(2, element.Length)])
        {
            case "f:":
                return "." + body;
            case "v:":
                return "[=" + body + "]";
            case "i:":
                return "[" + body + "]";
            case "k:":
                try
                {
                    if (JsonNode.Parse(body) is JsonObject key)
                    {
                        return "[" + string.Join(",", key.Select(p => $"{p.Key}={JsonValues.Canonical(p.Value)}")) + "]";
                    }
                }
                catch (System.Text.Json.JsonException)
                {
                    // A hand-written managedFields entry may hold junk; print it raw rather than fail.
                }

                return "[" + body + "]";
            default:
                return "." + element;
        }
    }

    private static void Read(JsonObject node, string prefix, FieldSet set, int depth)
    {
        if (depth > 128)
        {
            return;
        }

        foreach (var (element, child) in node)
        {
            if (element == ".")
            {
                if (prefix.Length > 0)
                {
                    set.Add(prefix);
                }

                continue;
            }

            var path = Join(prefix, element);
            if (child is JsonObject childObject && childObject.Count > 0)
            {
                Read(childObject, path, set, depth + 1);
            }
            else
            {
                set.Add(path);
            }
        }
    }

    private sealed class Node
    {
        private readonly Dictionary<string, Node> children = new(StringComparer.Ordinal);

        public bool Member { get; set; }

        public Node Child(string element)
        {
            if (!children.TryGetValue(element, out var child))
            {
                child = new Node();
                children[element] = child;
            }

            return child;
        }

        public JsonObject ToJson()
        {
            var json = new JsonObject();
            if (Member && children.Count > 0)
            {
                json["."] = new JsonObject();
            }

            // Field names first, then keys, values and indexes, each in ordinal order, like structured-merge-diff.
            foreach (var (element, child) in children.OrderBy(c => Rank(c.Key)).ThenBy(c => c.Key, StringComparer.Ordinal))
            {
                json[element] = child.ToJson();
            }

            return json;
        }

        private static int Rank(string element) => element.StartsWith("f:", StringComparison.Ordinal) ? 0
            : element.StartsWith("k:", StringComparison.Ordinal) ? 1
            : element.StartsWith("v:", StringComparison.Ordinal) ? 2
            : 3;
    }
}
