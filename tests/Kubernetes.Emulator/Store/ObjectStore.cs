namespace MlOperator.Kubernetes.Emulator.Store;

/// <summary>
/// All objects, keyed by storage bucket ("group/plural") then "namespace/name". One global resourceVersion
/// counter and one lock (Sync) that every read-modify-write in ApiCore holds: writes are microseconds, and a
/// single lock makes ordering of watch events trivially consistent with resourceVersions.
/// </summary>
internal sealed class ObjectStore(int historySize)
{
    private sealed class Bucket
    {
        public readonly Dictionary<string, StoredObject> Objects = new(StringComparer.Ordinal);
        /// <summary>Owner uid → the objects whose ownerReferences name it, by key: what the simulated controllers look up.</summary>
        public readonly Dictionary<string, Dictionary<string, StoredObject>> ByOwner = new(StringComparer.Ordinal);
        public readonly Queue<ChangeEvent> History = new();
        public long CompactedAt;
        public readonly List<Watcher> Watchers = [];
    }

    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Bucket, string Key)> _byUid = new(StringComparer.Ordinal);
    private readonly List<Action<ChangeEvent>> _subscribers = [];
    private long _resourceVersion = 1;

    public object Sync { get; } = new();

    public long CurrentResourceVersion
    {
        get { lock (Sync) return _resourceVersion; }
    }

    public long NextResourceVersion()
    {
        lock (Sync) return ++_resourceVersion;
    }

    private Bucket BucketFor(string storageKey)
    {
        if (!_buckets.TryGetValue(storageKey, out var bucket)) _buckets[storageKey] = bucket = new Bucket();
        return bucket;
    }

    public StoredObject? Get(string storageKey, string ns, string name)
    {
        lock (Sync)
            return _buckets.TryGetValue(storageKey, out var b) && b.Objects.TryGetValue(ns.Length == 0 ? name : ns + "/" + name, out var o) ? o : null;
    }

    public bool UidExists(string uid)
    {
        lock (Sync) return _byUid.ContainsKey(uid);
    }

    public (string StorageKey, StoredObject Object)? GetByUid(string uid)
    {
        lock (Sync)
            return _byUid.TryGetValue(uid, out var at) && _buckets[at.Bucket].Objects.TryGetValue(at.Key, out var o) ? (at.Bucket, o) : null;
    }

    /// <summary>Snapshot of a bucket, optionally one namespace, in name order (stable for limit/continue).</summary>
    public List<StoredObject> List(string storageKey, string? ns)
    {
        lock (Sync)
        {
            if (!_buckets.TryGetValue(storageKey, out var b)) return [];
            var items = new List<KeyValuePair<string, StoredObject>>(b.Objects.Count);
            foreach (var pair in b.Objects)
                if (ns is null || pair.Value.Namespace == ns) items.Add(pair);
            return Sorted(items);
        }
    }

    /// <summary>
    /// Snapshot of the bucket's objects (in one namespace, or all when <paramref name="ns"/> is null) whose
    /// ownerReferences name <paramref name="ownerUid"/>, in key order: an index lookup, not a scan, so a controller's
    /// sync costs the same with 10 or 10,000 objects stored.
    /// </summary>
    public List<StoredObject> ListOwnedBy(string storageKey, string? ns, string ownerUid)
    {
        lock (Sync)
        {
            if (!_buckets.TryGetValue(storageKey, out var b) || !b.ByOwner.TryGetValue(ownerUid, out var owned)) return [];
            var items = new List<KeyValuePair<string, StoredObject>>(owned.Count);
            foreach (var pair in owned)
                if (ns is null || pair.Value.Namespace == ns) items.Add(pair);
            return Sorted(items);
        }
    }

    private static List<StoredObject> Sorted(List<KeyValuePair<string, StoredObject>> items)
    {
        items.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        var result = new List<StoredObject>(items.Count);
        foreach (var pair in items) result.Add(pair.Value);
        return result;
    }

    private static void Unindex(Bucket bucket, string key, StoredObject obj)
    {
        foreach (var owner in obj.OwnerUids)
            if (bucket.ByOwner.TryGetValue(owner, out var owned) && owned.Remove(key) && owned.Count == 0) bucket.ByOwner.Remove(owner);
    }

    private static void Index(Bucket bucket, string key, StoredObject obj)
    {
        foreach (var owner in obj.OwnerUids)
        {
            if (!bucket.ByOwner.TryGetValue(owner, out var owned)) bucket.ByOwner[owner] = owned = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
            owned[key] = obj;
        }
    }

    public IReadOnlyList<string> StorageKeys
    {
        get { lock (Sync) return [.. _buckets.Keys]; }
    }

    /// <summary>Stores (or removes, for Deleted) the event's object, records history and fans out. Caller holds Sync.</summary>
    public void Commit(ChangeEvent change)
    {
        lock (Sync)
        {
            var bucket = BucketFor(change.StorageKey);
            var obj = change.Object;
            var key = obj.Key;
            if (bucket.Objects.Remove(key, out var previous)) Unindex(bucket, key, previous);
            if (change.Type == ChangeType.Deleted)
            {
                _byUid.Remove(obj.Uid);
            }
            else
            {
                bucket.Objects[key] = obj;
                Index(bucket, key, obj);
                _byUid[obj.Uid] = (change.StorageKey, key);
            }
            if (obj.ResourceVersion > _resourceVersion) _resourceVersion = obj.ResourceVersion;
            bucket.History.Enqueue(change);
            while (bucket.History.Count > historySize) bucket.CompactedAt = bucket.History.Dequeue().ResourceVersion;
            foreach (var w in bucket.Watchers) w.Events.Writer.TryWrite(change);
            foreach (var s in _subscribers) s(change);
        }
    }

    public WatchStart Watch(string storageKey, long? fromResourceVersion)
    {
        lock (Sync)
        {
            var bucket = BucketFor(storageKey);
            var initial = new List<ChangeEvent>();
            if (fromResourceVersion is null or 0)
            {
                foreach (var o in bucket.Objects.Values.OrderBy(o => o.Key, StringComparer.Ordinal))
                    initial.Add(new ChangeEvent(storageKey, ChangeType.Added, o, null));
            }
            else
            {
                var from = fromResourceVersion.Value;
                if (from < bucket.CompactedAt) return new WatchStart(null, [], _resourceVersion, bucket.CompactedAt);
                foreach (var e in bucket.History)
                    if (e.ResourceVersion > from) initial.Add(e);
            }
            var watcher = new Watcher(storageKey);
            bucket.Watchers.Add(watcher);
            return new WatchStart(watcher, initial, fromResourceVersion is null or 0 ? _resourceVersion : fromResourceVersion.Value, null);
        }
    }

    public void Unwatch(Watcher watcher)
    {
        lock (Sync)
            if (_buckets.TryGetValue(watcher.StorageKey, out var b)) b.Watchers.Remove(watcher);
        watcher.Dispose();
    }

    public int OpenWatchCount
    {
        get { lock (Sync) return _buckets.Values.Sum(b => b.Watchers.Count); }
    }

    public void DropWatches()
    {
        lock (Sync)
            foreach (var b in _buckets.Values)
                foreach (var w in b.Watchers) w.Drop();
    }

    /// <summary>Forgets all history: any watch from a resourceVersion before now gets 410 Expired.</summary>
    public void Compact()
    {
        lock (Sync)
            foreach (var b in _buckets.Values)
            {
                b.History.Clear();
                b.CompactedAt = _resourceVersion;
            }
    }

    /// <summary>In-process listeners (simulated controllers); called under the lock, so they must only enqueue.</summary>
    public void Subscribe(Action<ChangeEvent> subscriber)
    {
        lock (Sync) _subscribers.Add(subscriber);
    }
}
