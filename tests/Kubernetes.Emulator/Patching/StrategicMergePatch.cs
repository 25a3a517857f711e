using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// Kubernetes strategic merge patch as kube-apiserver applies it (k8s.io/apimachinery strategicpatch):
/// maps merge recursively, <c>null</c> deletes, lists with merge keys merge by key, sets merge by value,
/// other lists are replaced. Directives: <c>$patch: replace|delete|merge</c> in maps and list items,
/// <c>$retainKeys</c>, <c>$setElementOrder/&lt;list&gt;</c> and <c>$deleteFromPrimitiveList/&lt;list&gt;</c>.
/// Order follows kube: patch items in patch order, server-only items keep their place relative to them.
/// Directives never reach the result, also inside values the original did not have.
/// </summary>
public static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    public static JsonObject Apply(JsonObject original, JsonObject patch, MergeKeys keys) =>
        MergeMap((JsonObject)original.DeepClone(), (JsonObject)patch.DeepClone(), [], keys);

    private static JsonObject MergeMap(JsonObject original, JsonObject patch, List<string> path, MergeKeys keys)
    {
        if (patch.TryGetPropertyValue(Directive, out var directiveNode))
        {
            patch.Remove(Directive);
            switch (JsonValues.AsString(directiveNode))
            {
                case "replace":
                    return MergeMap(new JsonObject(), patch, path, keys);
                case "delete":
                    return new JsonObject();
                case "merge":
                    break;
                default:
                    throw new PatchException($"Unexpected patch type {JsonValues.Canonical(directiveNode)} in {Where(path)}", 400);
            }
        }

        ApplyRetainKeys(original, patch, path);
        ApplySetElementOrders(original, patch, path, keys);

        foreach (var (name, value) in patch.ToList())
        {
            if (name.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                var field = name[DeleteFromPrimitiveListPrefix.Length..];
                if (value is not JsonArray toDelete)
                {
                    throw new PatchException($"invalid patch format of primitive list: {name} must be a list", 400);
                }

                if (original[field] is JsonArray current)
                {
                    original[field] = new JsonArray(current.Where(item => !toDelete.Any(d => JsonValues.DeepEquals(d, item))).Select(item => item?.DeepClone()).ToArray());
                }

                continue;
            }

            if (name.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) || name == RetainKeys)
            {
                continue;
            }

            if (value is null)
            {
                original.Remove(name);
                continue;
            }

            List<string> childPath = [.. path, name];
            if (!original.TryGetPropertyValue(name, out var existing) || existing is null)
            {
                original[name] = Materialize(value, childPath, keys);
                continue;
            }

            original[name] = (existing, value) switch
            {
                (JsonObject existingObject, JsonObject patchObject) when !keys.IsAtomicMap(childPath) =>
                    MergeMap((JsonObject)existingObject.DeepClone(), (JsonObject)patchObject.DeepClone(), childPath, keys),
                (JsonArray existingArray, JsonArray patchArray) =>
                    MergeList((JsonArray)existingArray.DeepClone(), (JsonArray)patchArray.DeepClone(), childPath, keys),
                _ => Materialize(value, childPath, keys),
            };
        }

        return original;
    }

    /// <summary>A patch value taken as-is still has its directives evaluated (against nothing), so none leak into the object.</summary>
    private static JsonNode? Materialize(JsonNode? value, List<string> path, MergeKeys keys) => value switch
    {
        JsonObject obj => MergeMap(new JsonObject(), (JsonObject)obj.DeepClone(), path, keys),
        JsonArray array when keys.PatchKeysFor(path) is not null || keys.IsSet(path) => MergeList(new JsonArray(), (JsonArray)array.DeepClone(), path, keys),
        JsonArray array => new JsonArray(array.Select(item => Materialize(item, path, keys)).ToArray()),
        _ => value?.DeepClone(),
    };

    private static void ApplyRetainKeys(JsonObject original, JsonObject patch, List<string> path)
    {
        if (!patch.TryGetPropertyValue(RetainKeys, out var retainNode))
        {
            return;
        }

        patch.Remove(RetainKeys);
        if (retainNode is not JsonArray retainArray || retainArray.Any(k => JsonValues.AsString(k) is null))
        {
            throw new PatchException("invalid patch format of retainKeys", 400);
        }

        var retain = retainArray.Select(k => JsonValues.AsString(k)!).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in patch)
        {
            if (value is not null && !name.StartsWith('$') && !retain.Contains(name))
            {
                throw new PatchException($"patch content doesn't match retainKeys list at {Where(path)}: field \"{name}\" is not in $retainKeys");
            }
        }

        foreach (var name in original.Select(p => p.Key).Where(name => !retain.Contains(name)).ToList())
        {
            original.Remove(name);
        }
    }

    private static void ApplySetElementOrders(JsonObject original, JsonObject patch, List<string> path, MergeKeys keys)
    {
        foreach (var (name, orderNode) in patch.ToList())
        {
            if (!name.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            patch.Remove(name);
            var field = name[SetElementOrderPrefix.Length..];
            List<string> listPath = [.. path, field];
            if (orderNode is not JsonArray order)
            {
                throw new PatchException($"invalid patch format of setElementOrder list: {name} must be a list", 400);
            }

            var originalList = original[field] as JsonArray;
            if (original[field] is not null and not JsonArray || patch[field] is not null and not JsonArray)
            {
                throw new PatchException($"{name} applies to {Where(listPath)}, which is not a list", 400);
            }

            var patchList = patch[field] as JsonArray;
            var mergeKeys = keys.PatchKeysFor(listPath);
            if (patchList is not null)
            {
                ValidateOrder(patchList, order, mergeKeys, listPath);
            }

            JsonArray merged;
            if (originalList is not null && patchList is not null)
            {
                merged = MergeList((JsonArray)originalList.DeepClone(), (JsonArray)patchList.DeepClone(), listPath, keys);
            }
            else if (originalList is not null)
            {
                merged = (JsonArray)originalList.DeepClone();
            }
            else if (patchList is not null)
            {
                merged = (JsonArray)Materialize(patchList, listPath, keys)!;
            }
            else
            {
                continue;
            }

            var identity = Identity(mergeKeys);
            var orderIds = order.Select(identity).ToList();
            var inOrder = merged.Where(item => orderIds.Contains(identity(item))).ToList();
            var serverOnly = merged.Where(item => !orderIds.Contains(identity(item))).ToList();
            var serverOrder = (originalList ?? []).Select(identity).ToList();
            original[field] = Interleave(SortBy(serverOnly, serverOrder, identity), SortBy(inOrder, orderIds, identity), serverOrder, identity);
            patch.Remove(field);
        }
    }

    /// <summary>kube insists the patch list's items appear in the same relative order as in $setElementOrder.</summary>
    private static void ValidateOrder(JsonArray patchList, JsonArray order, IReadOnlyList<string>? mergeKeys, List<string> path)
    {
        var identity = Identity(mergeKeys);
        var items = patchList.Where(item => !(item is JsonObject obj && obj.ContainsKey(Directive))).ToList();
        int p = 0, o = 0;
        while (p < items.Count && o < order.Count)
        {
            if (identity(items[p]) == identity(order[o]))
            {
                p++;
            }

            o++;
        }

        if (p < items.Count)
        {
            throw new PatchException($"The order in patch list for {Where(path)} doesn't match $setElementOrder list");
        }
    }

    private static JsonArray MergeList(JsonArray original, JsonArray patch, List<string> path, MergeKeys keys)
    {
        var mergeKeys = keys.PatchKeysFor(path);
        if (mergeKeys is null && !keys.IsSet(path))
        {
            return new JsonArray(patch.Select(item => Materialize(item, path, keys)).ToArray());
        }

        if (original.Count == 0 && patch.Count == 0)
        {
            return original;
        }

        var identity = Identity(mergeKeys);
        List<JsonNode?> merged;
        List<JsonNode?> patchItems;
        List<JsonNode?> current = original.Select(item => item?.DeepClone()).ToList();
        if (mergeKeys is null)
        {
            patchItems = patch.Select(item => item?.DeepClone()).ToList();
            merged = [.. current];
            foreach (var item in patchItems)
            {
                if (!merged.Any(m => JsonValues.DeepEquals(m, item)))
                {
                    merged.Add(item?.DeepClone());
                }
            }
        }
        else
        {
            patchItems = [];
            var replace = false;
            foreach (var item in patch)
            {
                if (item is not JsonObject patchItem)
                {
                    throw new PatchException($"{Where(path)}: list items must be objects to merge by {string.Join(",", mergeKeys)}");
                }

                var directive = patchItem[Directive];
                switch (directive is null ? null : JsonValues.AsString(directive) ?? "?")
                {
                    case null:
                        RequireKeys(patchItem, mergeKeys, path);
                        patchItems.Add(patchItem.DeepClone());
                        break;
                    case "delete":
                        RequireKeys(patchItem, mergeKeys, path);
                        var id = identity(patchItem);
                        current.RemoveAll(existing => identity(existing) == id);
                        break;
                    case "replace":
                        replace = true;
                        break;
                    case "merge":
                        var clean = (JsonObject)patchItem.DeepClone();
                        clean.Remove(Directive);
                        RequireKeys(clean, mergeKeys, path);
                        patchItems.Add(clean);
                        break;
                    default:
                        throw new PatchException($"Unexpected patch type {JsonValues.Canonical(directive)} in {Where(path)}", 400);
                }
            }

            if (replace)
            {
                return new JsonArray(patchItems.Select(item => Materialize(item, path, keys)).ToArray());
            }

            merged = [.. current];
            foreach (var item in patchItems)
            {
                var id = identity(item);
                var index = merged.FindIndex(existing => identity(existing) == id);
                if (index >= 0 && merged[index] is JsonObject existingObject)
                {
                    merged[index] = MergeMap(existingObject, (JsonObject)item!.DeepClone(), path, keys);
                }
                else
                {
                    merged.Add(Materialize(item, path, keys));
                }
            }
        }

        var patchIds = patchItems.Select(identity).ToList();
        var serverOrder = current.Select(identity).ToList();
        var fromPatch = merged.Where(item => patchIds.Contains(identity(item))).ToList();
        var serverOnly = merged.Where(item => !patchIds.Contains(identity(item))).ToList();
        return Interleave(SortBy(serverOnly, serverOrder, identity), SortBy(fromPatch, patchIds, identity), serverOrder, identity);
    }

    private static void RequireKeys(JsonObject item, IReadOnlyList<string> mergeKeys, List<string> path)
    {
        foreach (var key in mergeKeys)
        {
            if (!item.ContainsKey(key))
            {
                throw new PatchException($"map: {JsonValues.Canonical(item)} does not contain declared merge key: {key} (in {Where(path)})");
            }
        }
    }

    /// <summary>An item's identity: its merge key values, or the whole value for primitive lists.</summary>
    private static Func<JsonNode?, string> Identity(IReadOnlyList<string>? mergeKeys) => mergeKeys is null
        ? JsonValues.Canonical
        : item => item is JsonObject obj ? string.Join("\u001f", mergeKeys.Select(k => JsonValues.Canonical(obj[k]))) : JsonValues.Canonical(item);

    private static List<JsonNode?> SortBy(List<JsonNode?> items, List<string> order, Func<JsonNode?, string> identity) =>
        items.Select((item, position) => (item, position, rank: order.IndexOf(identity(item))))
            .OrderBy(x => x.rank < 0 ? int.MaxValue : x.rank)
            .ThenBy(x => x.position)
            .Select(x => x.item)
            .ToList();

    /// <summary>
    /// kube's merge of server-only items (left) into patch items (right): a server-only item goes first only when
    /// both it and the next patch item are in the live list and it came earlier there.
    /// </summary>
    private static JsonArray Interleave(List<JsonNode?> left, List<JsonNode?> right, List<string> serverOrder, Func<JsonNode?, string> identity)
    {
        var result = new JsonArray();
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            bool takeLeft;
            if (i >= left.Count)
            {
                takeLeft = false;
            }
            else if (j >= right.Count)
            {
                takeLeft = true;
            }
            else
            {
                var li = serverOrder.IndexOf(identity(left[i]));
                var ri = serverOrder.IndexOf(identity(right[j]));
                takeLeft = li >= 0 && ri >= 0 && li < ri;
            }

            var next = takeLeft ? left[i++] : right[j++];
            result.Add(next?.Parent is null ? next : next.DeepClone());
        }

        return result;
    }

    private static string Where(List<string> path) => path.Count == 0 ? "the object" : "." + string.Join(".", path);
}
