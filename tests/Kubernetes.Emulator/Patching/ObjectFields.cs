using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// The structured-merge-diff view of an object: its field set, the difference between two versions, the apply
/// merge, and removal of one field path. Lists are associative (by merge keys), sets, or atomic per <see cref="MergeKeys"/>.
/// </summary>
internal static class ObjectFields
{
    /// <summary>Fields nobody owns (kube's stripped metadata): they never appear in managedFields.</summary>
    private static readonly HashSet<string> Unowned =
    [
        "apiVersion", "kind",
        "metadata.name", "metadata.namespace", "metadata.uid", "metadata.resourceVersion", "metadata.generation",
        "metadata.creationTimestamp", "metadata.managedFields", "metadata.selfLink",
        "metadata.deletionTimestamp", "metadata.deletionGracePeriodSeconds",
    ];

    /// <summary>Set by the server: an applied configuration never writes them.</summary>
    private static readonly string[] ServerSetMetadata =
        ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"];

    public static bool IsUnowned(IReadOnlyList<string> names) => names.Count <= 2 && Unowned.Contains(string.Join(".", names));

    public static void RemoveServerSetMetadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            foreach (var name in ServerSetMetadata)
            {
                metadata.Remove(name);
            }
        }
    }

    /// <summary>Removes explicit nulls from maps: in an applied configuration a null means "not set".</summary>
    public static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    obj.Remove(name);
                }

                foreach (var (_, value) in obj)
                {
                    RemoveNulls(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RemoveNulls(item);
                }

                break;
        }
    }

    public static string FieldElement(string name) => "f:" + name;

    public static string ValueElement(JsonNode? value) => "v:" + JsonValues.Canonical(value);

    /// <summary>
    /// The element of an associative list item, key fields sorted by name: <c>k:{"containerPort":80,"protocol":"TCP"}</c>.
    /// A key field the item omits takes its default; without one the item has no element.
    /// </summary>
    public static string? KeyElement(JsonNode? item, IReadOnlyList<string> keys, IReadOnlyDictionary<string, JsonNode> defaults)
    {
        if (item is not JsonObject obj)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            if (!obj.TryGetPropertyValue(key, out var value) || value is null)
            {
                defaults.TryGetValue(key, out value);
            }

            if (value is null or JsonObject or JsonArray)
            {
                return null;
            }

            parts.Add(JsonValues.Canonical(JsonValue.Create(key)) + ":" + JsonValues.Canonical(value));
        }

        return "k:{" + string.Join(",", parts) + "}";
    }

    /// <summary>Elements of an associative list's items, or null when some item lacks a key or two share one.</summary>
    public static List<string>? ItemElements(JsonArray list, List<string> names, MergeKeys keys)
    {
        var listKeys = keys.KeysFor(names)!;
        var defaults = keys.KeyDefaultsFor(names);
        var elements = new List<string>(list.Count);
        foreach (var item in list)
        {
            var element = KeyElement(item, listKeys, defaults);
            if (element is null || elements.Contains(element))
            {
                return null;
            }

            elements.Add(element);
        }

        return elements;
    }

    /// <summary>Checks an applied configuration's associative lists the way kube does before merging.</summary>
    public static void ValidateApplied(JsonNode? node, List<string> names, MergeKeys keys)
    {
        switch (node)
        {
            case JsonObject obj when !keys.IsAtomicMap(names):
                foreach (var (name, value) in obj)
                {
                    ValidateApplied(value, [.. names, name], keys);
                }

                break;
            case JsonArray array when keys.KeysFor(names) is { } listKeys:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < array.Count; i++)
                {
                    var element = KeyElement(array[i], listKeys, keys.KeyDefaultsFor(names))
                        ?? throw new PatchException($".{string.Join(".", names)}: element {i}: associative list with keys has an element that omits key field \"{listKeys.FirstOrDefault(k => array[i] is not JsonObject o || !o.ContainsKey(k)) ?? listKeys[0]}\"");
                    if (!seen.Add(element))
                    {
                        throw new PatchException($".{string.Join(".", names)}: duplicate entries for key {FieldSet.Describe(element)}");
                    }

                    ValidateApplied(array[i], names, keys);
                }

                break;
        }
    }

    public static FieldSet ToFieldSet(JsonObject obj, MergeKeys keys)
    {
        var set = new FieldSet();
        AddMap(obj, [], string.Empty, keys, set);
        return set;
    }

    /// <summary>Everything at and below a path: the path itself plus the fields of its value.</summary>
    public static void AddSubtree(JsonNode? value, List<string> names, string path, MergeKeys keys, FieldSet set)
    {
        set.Add(path);
        switch (value)
        {
            case JsonObject obj when !keys.IsAtomicMap(names):
                AddMap(obj, names, path, keys, set);
                break;
            case JsonArray array:
                AddListItems(array, names, path, keys, set);
                break;
        }
    }

    public static Comparison Compare(JsonObject before, JsonObject after, MergeKeys keys)
    {
        var comparison = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        CompareMaps(before, after, [], string.Empty, keys, comparison);
        return comparison;
    }

    /// <summary>Server-side apply's merge: maps recursively, associative lists by key, sets by value, the rest replaced.</summary>
    public static JsonNode? Merge(JsonNode? live, JsonNode? applied, List<string> names, MergeKeys keys) =>
        MergeOwned(live?.DeepClone(), applied, names, keys);

    /// <summary>The merge on a private copy of the live value, changed in place so nothing is copied twice.</summary>
    private static JsonNode? MergeOwned(JsonNode? live, JsonNode? applied, List<string> names, MergeKeys keys)
    {
        switch (live, applied)
        {
            case (JsonObject liveObject, JsonObject appliedObject) when !keys.IsAtomicMap(names):
                foreach (var (name, value) in appliedObject)
                {
                    liveObject.TryGetPropertyValue(name, out var current);
                    var merged = MergeOwned(current, value, [.. names, name], keys);
                    if (!ReferenceEquals(merged, current))
                    {
                        liveObject[name] = merged;
                    }
                }

                return liveObject;
            case (JsonArray liveArray, JsonArray appliedArray) when keys.KeysFor(names) is not null:
                var liveElements = ItemElements(liveArray, names, keys);
                var appliedElements = ItemElements(appliedArray, names, keys);
                if (liveElements is null || appliedElements is null)
                {
                    return applied.DeepClone();
                }

                return MergeLists(liveArray, liveElements, appliedArray, appliedElements, names, keys);
            case (JsonArray liveArray, JsonArray appliedArray) when keys.IsSet(names):
                return MergeLists(
                    liveArray, liveArray.Select(ValueElement).ToList(), appliedArray, appliedArray.Select(ValueElement).ToList(), names, keys);
            default:
                return applied?.DeepClone();
        }
    }

    /// <summary>True for a key field of an associative list item (".name" under k:{"name":...}): it lives and dies with the item.</summary>
    public static bool IsKeyOfItem(string path)
    {
        var elements = FieldSet.Split(path);
        if (elements.Length < 2 || !elements[^1].StartsWith("f:", StringComparison.Ordinal) || !elements[^2].StartsWith("k:", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(elements[^2][2..]) is JsonObject key && key.ContainsKey(elements[^1][2..]);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Removes the node at a path; false when it is not there.</summary>
    public static bool Remove(JsonObject root, string path, MergeKeys keys)
    {
        var elements = FieldSet.Split(path);
        var (parent, names) = NavigateFrom(root, elements.AsSpan(0, elements.Length - 1), keys);
        var last = elements[^1];
        switch (parent)
        {
            case JsonObject obj when last.StartsWith("f:", StringComparison.Ordinal):
                return obj.Remove(last[2..]);
            case JsonArray array:
                var index = FindItem(array, last, keys.KeyDefaultsFor(names));
                if (index < 0)
                {
                    return false;
                }

                array.RemoveAt(index);
                return true;
            default:
                return false;
        }
    }

    public static JsonNode? Navigate(JsonObject root, ReadOnlySpan<string> elements, MergeKeys keys) => NavigateFrom(root, elements, keys).Node;

    /// <summary>Walks elements from the root; also returns the field names passed, which is what MergeKeys looks up.</summary>
    private static (JsonNode? Node, List<string> Names) NavigateFrom(JsonObject root, ReadOnlySpan<string> elements, MergeKeys keys)
    {
        JsonNode? node = root;
        var names = new List<string>();
        foreach (var element in elements)
        {
            switch (node)
            {
                case JsonObject obj when element.StartsWith("f:", StringComparison.Ordinal):
                    names.Add(element[2..]);
                    if (!obj.TryGetPropertyValue(element[2..], out node))
                    {
                        return (null, names);
                    }

                    break;
                case JsonArray array:
                    var index = FindItem(array, element, keys.KeyDefaultsFor(names));
                    if (index < 0)
                    {
                        return (null, names);
                    }

                    node = array[index];
                    break;
                default:
                    return (null, names);
            }
        }

        return (node, names);
    }

    private static int FindItem(JsonArray array, string element, IReadOnlyDictionary<string, JsonNode> defaults)
    {
        if (element.StartsWith("v:", StringComparison.Ordinal))
        {
            var text = element[2..];
            for (var i = 0; i < array.Count; i++)
            {
                if (JsonValues.Canonical(array[i]) == text)
                {
                    return i;
                }
            }

            return -1;
        }

        if (element.StartsWith("i:", StringComparison.Ordinal))
        {
            return int.TryParse(element[2..], out var index) && index >= 0 && index < array.Count ? index : -1;
        }

        if (element.StartsWith("k:", StringComparison.Ordinal))
        {
            JsonObject? key;
            try
            {
                key = JsonNode.Parse(element[2..]) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                return -1;
            }

            if (key is null)
            {
                return -1;
            }

            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonObject item && key.All(k => JsonValues.DeepEquals(FieldOrDefault(item, k.Key, defaults), k.Value)))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private static JsonNode? FieldOrDefault(JsonObject item, string name, IReadOnlyDictionary<string, JsonNode> defaults) =>
        item.TryGetPropertyValue(name, out var value) && value is not null ? value : defaults.GetValueOrDefault(name);

    private static void AddMap(JsonObject obj, List<string> names, string prefix, MergeKeys keys, FieldSet set)
    {
        foreach (var (name, value) in obj)
        {
            List<string> childNames = [.. names, name];
            if (value is null || IsUnowned(childNames))
            {
                continue;
            }

            var path = FieldSet.Join(prefix, FieldElement(name));
            switch (value)
            {
                case JsonObject child when child.Count > 0 && !keys.IsAtomicMap(childNames):
                    AddMap(child, childNames, path, keys, set);
                    break;
                case JsonArray array when keys.KeysFor(childNames) is not null || keys.IsSet(childNames):
                    if (!AddListItems(array, childNames, path, keys, set))
                    {
                        set.Add(path);
                    }

                    break;
                default:
                    set.Add(path);
                    break;
            }
        }
    }

    /// <summary>Adds a granular list's items; false when the list is atomic or malformed (then the caller owns it whole).</summary>
    private static bool AddListItems(JsonArray array, List<string> names, string path, MergeKeys keys, FieldSet set)
    {
        if (keys.KeysFor(names) is not null)
        {
            var elements = ItemElements(array, names, keys);
            if (elements is null)
            {
                return false;
            }

            for (var i = 0; i < array.Count; i++)
            {
                var itemPath = FieldSet.Join(path, elements[i]);
                set.Add(itemPath);
                AddMap((JsonObject)array[i]!, names, itemPath, keys, set);
            }

            return true;
        }

        if (keys.IsSet(names))
        {
            foreach (var item in array)
            {
                set.Add(FieldSet.Join(path, ValueElement(item)));
            }

            return true;
        }

        return false;
    }

    private static void CompareMaps(JsonObject before, JsonObject after, List<string> names, string prefix, MergeKeys keys, Comparison comparison)
    {
        foreach (var (name, value) in after)
        {
            List<string> childNames = [.. names, name];
            if (IsUnowned(childNames) || value is null)
            {
                continue;
            }

            var path = FieldSet.Join(prefix, FieldElement(name));
            if (!before.TryGetPropertyValue(name, out var old) || old is null)
            {
                AddSubtree(value, childNames, path, keys, comparison.Added);
            }
            else
            {
                CompareValues(old, value, childNames, path, keys, comparison);
            }
        }

        foreach (var (name, old) in before)
        {
            List<string> childNames = [.. names, name];
            if (old is null || IsUnowned(childNames) || after[name] is not null)
            {
                continue;
            }

            AddSubtree(old, childNames, FieldSet.Join(prefix, FieldElement(name)), keys, comparison.Removed);
        }
    }

    private static void CompareValues(JsonNode old, JsonNode value, List<string> names, string path, MergeKeys keys, Comparison comparison)
    {
        switch (old, value)
        {
            case (JsonObject oldObject, JsonObject newObject) when !keys.IsAtomicMap(names):
                CompareMaps(oldObject, newObject, names, path, keys, comparison);
                return;
            case (JsonArray oldArray, JsonArray newArray) when keys.KeysFor(names) is not null:
                var oldElements = ItemElements(oldArray, names, keys);
                var newElements = ItemElements(newArray, names, keys);
                if (oldElements is not null && newElements is not null)
                {
                    for (var i = 0; i < newArray.Count; i++)
                    {
                        var itemPath = FieldSet.Join(path, newElements[i]);
                        var oldIndex = oldElements.IndexOf(newElements[i]);
                        if (oldIndex < 0)
                        {
                            AddSubtree(newArray[i], names, itemPath, keys, comparison.Added);
                        }
                        else
                        {
                            CompareMaps((JsonObject)oldArray[oldIndex]!, (JsonObject)newArray[i]!, names, itemPath, keys, comparison);
                        }
                    }

                    for (var i = 0; i < oldArray.Count; i++)
                    {
                        if (!newElements.Contains(oldElements[i]))
                        {
                            AddSubtree(oldArray[i], names, FieldSet.Join(path, oldElements[i]), keys, comparison.Removed);
                        }
                    }

                    return;
                }

                break;
            case (JsonArray oldArray, JsonArray newArray) when keys.IsSet(names):
                var oldValues = oldArray.Select(ValueElement).ToHashSet(StringComparer.Ordinal);
                var newValues = newArray.Select(ValueElement).ToHashSet(StringComparer.Ordinal);
                foreach (var added in newValues.Where(v => !oldValues.Contains(v)))
                {
                    comparison.Added.Add(FieldSet.Join(path, added));
                }

                foreach (var removed in oldValues.Where(v => !newValues.Contains(v)))
                {
                    comparison.Removed.Add(FieldSet.Join(path, removed));
                }

                return;
        }

        if (!JsonValues.DeepEquals(old, value))
        {
            comparison.Modified.Add(path);

            // A map or list that turned into something else takes its old children with it.
            if (old is JsonObject or JsonArray)
            {
                var below = new FieldSet();
                AddSubtree(old, names, path, keys, below);
                foreach (var child in below.Paths.Where(p => p != path))
                {
                    comparison.Removed.Add(child);
                }
            }
        }
    }

    /// <summary>
    /// Merges two granular lists the way structured-merge-diff orders them: applied items in applied order,
    /// live-only items stay where they were relative to the shared ones.
    /// </summary>
    private static JsonArray MergeLists(JsonArray live, List<string> liveElements, JsonArray applied, List<string> appliedElements, List<string> names, MergeKeys keys)
    {
        // The live items move into the result, so detach them from their old list first.
        var liveItems = live.ToList();
        live.Clear();
        var result = new JsonArray();
        var shared = appliedElements.Where(liveElements.Contains).ToList();
        var nextShared = 0;
        var next = 0;

        void EmitAppliedThrough(int last)
        {
            for (; next <= last; next++)
            {
                var element = appliedElements[next];
                var liveIndex = liveElements.IndexOf(element);
                result.Add(MergeOwned(liveIndex >= 0 ? liveItems[liveIndex] : null, applied[next], names, keys));
                if (nextShared < shared.Count && shared[nextShared] == element)
                {
                    nextShared++;
                }
            }
        }

        for (var l = 0; l < liveItems.Count; l++)
        {
            var element = liveElements[l];
            var appliedIndex = appliedElements.IndexOf(element);
            if (appliedIndex < 0)
            {
                result.Add(liveItems[l]);
            }
            else if (appliedIndex >= next && nextShared < shared.Count && shared[nextShared] == element)
            {
                EmitAppliedThrough(appliedIndex);
            }

            // Any other shared item is emitted later, when the applied order reaches it.
        }

        EmitAppliedThrough(applied.Count - 1);
        return result;
    }

    public sealed record Comparison(FieldSet Added, FieldSet Modified, FieldSet Removed);
}
