using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// Server-side apply and managedFields bookkeeping, after kube's fieldmanager and structured-merge-diff:
/// <list type="bullet">
/// <item>Apply merges the applied configuration into the live object, owns exactly the fields it sets, conflicts
/// with other managers only where it would change their fields' values (same value → shared ownership), takes
/// them with force, and removes fields it owned alone and no longer applies.</item>
/// <item>Update (PUT, non-apply PATCH, create) never conflicts: the manager takes the fields whose values it
/// changed and other managers lose them.</item>
/// </list>
/// Callers strip what the endpoint ignores (status on the main resource, spec on /status) before calling.
/// </summary>
public static class ServerSideApply
{
    private const string BeforeFirstApply = "before-first-apply";
    private const string AncientChanges = "ancient-changes";
    private const int MaxUpdateManagers = 10;

    public static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force, string? subresource, MergeKeys keys, DateTimeOffset now)
    {
        var config = (JsonObject)applied.DeepClone();
        ObjectFields.RemoveNulls(config);
        ObjectFields.RemoveServerSetMetadata(config);
        ObjectFields.ValidateApplied(config, [], keys);

        // Read-only from here on: Merge works on its own copy.
        var current = live ?? new JsonObject();
        var entries = ManagerEntry.Read(ManagedFieldsOf(current));
        var time = ManagerEntry.FormatTime(now);
        if (live is not null && entries.Count == 0)
        {
            // An object nobody has managed yet: its existing fields belong to a stand-in updater, as in kube,
            // so an apply that changes them reports a conflict instead of silently taking them.
            var everything = ObjectFields.Compare(new JsonObject(), current, keys).Added;
            if (!everything.IsEmpty)
            {
                entries.Add(new ManagerEntry(BeforeFirstApply, "Update", null) { ApiVersion = ApiVersion(current), Time = time, Fields = everything });
            }
        }

        var merged = (JsonObject)ObjectFields.Merge(current, config, [], keys)!;
        var appliedFields = ObjectFields.ToFieldSet(config, keys);
        var comparison = ObjectFields.Compare(current, merged, keys);
        var changed = comparison.Added.Union(comparison.Modified);

        var self = entries.Find(e => e.Is(manager, "Apply", subresource));
        var conflicts = new List<ApplyConflict>();
        var taken = new List<(ManagerEntry Entry, FieldSet Fields)>();
        foreach (var entry in entries.Where(e => e != self))
        {
            var overlap = entry.Fields.Intersect(changed);
            if (!overlap.IsEmpty)
            {
                taken.Add((entry, overlap));
                conflicts.AddRange(overlap.Paths.Order(StringComparer.Ordinal).Select(path => new ApplyConflict(entry.Manager, FieldSet.Describe(path))
                {
                    Operation = entry.Operation,
                    Subresource = entry.Subresource,
                    ApiVersion = entry.ApiVersion,
                }));
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            throw new ApplyConflictException(conflicts
                .OrderBy(c => c.DescribeManager(), StringComparer.Ordinal)
                .ToList());
        }

        foreach (var (entry, fields) in taken)
        {
            entry.Fields = entry.Fields.Except(fields);
        }

        foreach (var entry in entries.Where(e => e != self))
        {
            entry.Fields = entry.Fields.Except(comparison.Removed);
        }

        var previouslyOwned = self?.Fields ?? new FieldSet();
        if (self is null)
        {
            self = new ManagerEntry(manager, "Apply", subresource);
            entries.Add(self);
        }

        self.Fields = appliedFields;
        self.ApiVersion = ApiVersion(config) ?? ApiVersion(current);
        self.Time = time;

        Prune(merged, previouslyOwned.Except(appliedFields), entries, keys);
        return Finish(live, merged, entries);
    }

    public static JsonObject RecordUpdate(JsonObject? previous, JsonObject updated, string manager, string? subresource, MergeKeys keys, DateTimeOffset now)
    {
        var result = (JsonObject)updated.DeepClone();
        // On create kube compares against an empty object that already has metadata, so metadata itself is not owned.
        var before = previous ?? new JsonObject { ["metadata"] = new JsonObject() };
        var entries = EntriesForUpdate(previous, updated);
        var comparison = ObjectFields.Compare(before, result, keys);
        var changed = comparison.Added.Union(comparison.Modified);

        foreach (var entry in entries)
        {
            entry.Fields = entry.Fields.Except(changed).Except(comparison.Removed);
        }

        if (!changed.IsEmpty)
        {
            var self = entries.Find(e => e.Is(manager, "Update", subresource));
            if (self is null)
            {
                self = new ManagerEntry(manager, "Update", subresource);
                entries.Add(self);
            }

            self.Fields = self.Fields.Union(changed);
            self.ApiVersion = ApiVersion(result) ?? ApiVersion(before);
            self.Time = ManagerEntry.FormatTime(now);
        }

        CapUpdateManagers(entries);
        return Finish(previous, result, entries);
    }

    /// <summary>
    /// kube keeps at most ten Update entries: the oldest ones fold into one "ancient-changes" entry, so an object
    /// written by many clients does not grow without bound.
    /// </summary>
    private static void CapUpdateManagers(List<ManagerEntry> entries)
    {
        var updaters = entries
            .Where(e => e.Operation == "Update" && !e.Fields.IsEmpty)
            .OrderBy(e => e.Time ?? string.Empty, StringComparer.Ordinal)
            .ToList();
        if (updaters.Count <= MaxUpdateManagers)
        {
            return;
        }

        var oldest = updaters.Take(updaters.Count - MaxUpdateManagers + 1).ToList();
        var bucket = new ManagerEntry(AncientChanges, "Update", null)
        {
            ApiVersion = oldest[^1].ApiVersion,
            Time = oldest[^1].Time,
            Fields = oldest.Aggregate(new FieldSet(), (all, e) => all.Union(e.Fields)),
        };
        entries.RemoveAll(oldest.Contains);
        entries.Add(bucket);
    }

    /// <summary>
    /// kube keeps the live managedFields unless the request brings its own: <c>[{}]</c> resets them, a readable
    /// non-empty list replaces them, anything else (absent, empty, unreadable) keeps the previous ones.
    /// </summary>
    private static List<ManagerEntry> EntriesForUpdate(JsonObject? previous, JsonObject updated)
    {
        var sent = ManagedFieldsOf(updated) as JsonArray;
        if (sent is { Count: 1 } && sent[0] is JsonObject { Count: 0 })
        {
            return [];
        }

        var fromRequest = ManagerEntry.Read(sent);
        return fromRequest.Count > 0 ? fromRequest : ManagerEntry.Read(ManagedFieldsOf(previous));
    }

    /// <summary>
    /// Removes what the applier owned before and no longer applies, unless another manager (or the applier's new
    /// configuration) owns it or something below it; maps and lists emptied that way go too.
    /// </summary>
    private static void Prune(JsonObject merged, FieldSet dropped, List<ManagerEntry> entries, MergeKeys keys)
    {
        if (dropped.IsEmpty)
        {
            return;
        }

        var owned = entries.Aggregate(new FieldSet(), (all, e) => all.Union(e.Fields));
        foreach (var path in dropped.Paths.OrderBy(p => p.Length))
        {
            if (owned.ContainsOrBelow(path) || ObjectFields.IsKeyOfItem(path) || !ObjectFields.Remove(merged, path, keys))
            {
                continue;
            }

            for (var parent = FieldSet.Parent(path); parent is not null; parent = FieldSet.Parent(parent))
            {
                var node = ObjectFields.Navigate(merged, FieldSet.Split(parent), keys);
                var empty = node is JsonObject { Count: 0 } or JsonArray { Count: 0 };
                if (!empty || owned.ContainsOrBelow(parent) || !ObjectFields.Remove(merged, parent, keys))
                {
                    break;
                }
            }
        }
    }

    private static JsonObject Finish(JsonObject? old, JsonObject result, List<ManagerEntry> entries)
    {
        var written = ManagerEntry.Write(entries);
        var metadata = result["metadata"] as JsonObject;
        if (written.Count > 0)
        {
            if (metadata is null)
            {
                metadata = new JsonObject();
                result["metadata"] = metadata;
            }

            metadata["managedFields"] = written;
        }
        else
        {
            metadata?.Remove("managedFields");
        }

        KeepTimestampsOnNoOp(old, result);
        return result;
    }

    /// <summary>
    /// kube-apiserver's IgnoreManagedFieldsTimestampsTransformer: a write that changes nothing but managedFields
    /// times keeps the old managedFields, so it stays a no-op (same resourceVersion, no watch event).
    /// </summary>
    private static void KeepTimestampsOnNoOp(JsonObject? old, JsonObject result)
    {
        if (old is null || ManagedFieldsOf(old) is not JsonArray oldFields || result["metadata"] is not JsonObject metadata
            || metadata["managedFields"] is not JsonArray newFields || !EqualBesideManagedFields(old, result))
        {
            return;
        }

        if (JsonValues.DeepEquals(WithoutTimes(oldFields), WithoutTimes(newFields)))
        {
            metadata["managedFields"] = oldFields.DeepClone();
        }
    }

    private static bool EqualBesideManagedFields(JsonObject left, JsonObject right)
    {
        static IEnumerable<KeyValuePair<string, JsonNode?>> Rest(JsonObject obj) => obj.Where(p => p.Key != "managedFields");

        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var (name, value) in left)
        {
            if (!right.TryGetPropertyValue(name, out var other))
            {
                return false;
            }

            var equal = name == "metadata" && value is JsonObject leftMetadata && other is JsonObject rightMetadata
                ? JsonValues.DeepEquals(new JsonObject(Rest(leftMetadata).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))),
                    new JsonObject(Rest(rightMetadata).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))))
                : JsonValues.DeepEquals(value, other);
            if (!equal)
            {
                return false;
            }
        }

        return true;
    }

    private static JsonArray WithoutTimes(JsonArray entries)
    {
        // Times also decide the order of entries, so compare them as a set.
        var copy = (JsonArray)entries.DeepClone();
        foreach (var entry in copy.OfType<JsonObject>())
        {
            entry.Remove("time");
        }

        return new JsonArray(copy.Select(e => e?.DeepClone()).OrderBy(JsonValues.Canonical, StringComparer.Ordinal).ToArray());
    }

    /// <summary>Null when absent, and also when a client sent a metadata that is not an object.</summary>
    private static JsonNode? ManagedFieldsOf(JsonObject? obj) => (obj?["metadata"] as JsonObject)?["managedFields"];

    private static string? ApiVersion(JsonObject obj) => JsonValues.AsString(obj["apiVersion"]);
}
