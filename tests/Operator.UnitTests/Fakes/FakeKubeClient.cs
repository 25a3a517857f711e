using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MlOperator.Operator.Kube.Client;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Runtime.Cache;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>
/// In-memory <see cref="IKubeClient"/> with apiserver-like semantics: one global resourceVersion counter,
/// optimistic concurrency, generation bumps, label-selector list/watch (with selector transitions), watch
/// replay from a resourceVersion, and compaction (410). Faults: <see cref="FailNext"/> fails the next call of a
/// verb, <see cref="DropWatches"/> ends every open watch cleanly, <see cref="ExpireWatches"/> ends them with 410,
/// <see cref="Compact"/> forgets history so old resourceVersions are Gone, <see cref="SendBookmark"/>.
/// Objects are stored and handed out as deep copies.
/// </summary>
public sealed class FakeKubeClient(TimeProvider? time = null) : IKubeClient
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, Dictionary<(string Ns, string Name), IKubernetesObject<V1ObjectMeta>>> _objects = [];
    private readonly List<Change> _history = [];
    private readonly List<Subscription> _watches = [];
    private readonly Dictionary<string, Queue<Exception>> _faults = [];
    private readonly List<FakeCall> _calls = [];
    private readonly List<(string NamePrefix, Task Release)> _heldCreates = [];
    private long _resourceVersion = 100;
    private long _compactedTo;
    private int _uid;

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public int OpenWatches
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    public IReadOnlyList<FakeCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public int CountCalls(string verb, string? resource = null) =>
        Calls.Count(c => c.Verb == verb && (resource is null || c.Resource == resource));

    /// <summary>Verbs: get, list, create, update, updatestatus, patch, apply, delete, watch.</summary>
    public void FailNext(string verb, Exception exception, int times = 1)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(verb, out var queue))
            {
                _faults[verb] = queue = new Queue<Exception>();
            }

            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(exception);
            }
        }
    }

    /// <summary>
    /// Creates of objects whose names start with <paramref name="namePrefix"/> wait until the returned source
    /// completes: a server slow for some objects and not others.
    /// </summary>
    public TaskCompletionSource HoldCreates(string namePrefix)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _heldCreates.Add((namePrefix, release.Task));
        }

        return release;
    }

    private Task? CreateHeldBy(string? name)
    {
        lock (_gate)
        {
            foreach (var hold in _heldCreates)
            {
                if (!hold.Release.IsCompleted && name?.StartsWith(hold.NamePrefix, StringComparison.Ordinal) == true)
                {
                    return hold.Release;
                }
            }

            return null;
        }
    }

    public static GoneException Gone() => new(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version" });

    public static ConflictException Conflict() => new(new V1Status { Code = 409, Reason = "Conflict", Message = "the object has been modified" });

    public static KubeApiException ServerError() => new(500, new V1Status { Code = 500, Reason = "InternalError", Message = "injected" });

    /// <summary>Ends every open watch cleanly, as a server timeout or a load balancer would.</summary>
    public void DropWatches() => EndWatches(null);

    /// <summary>Ends every open watch with 410 Gone.</summary>
    public void ExpireWatches() => EndWatches(Gone());

    /// <summary>Forgets history: a watch from any resourceVersion before now gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedTo = _resourceVersion;
            _history.Clear();
        }
    }

    /// <summary>Sends a BOOKMARK at the current resourceVersion to watches that allow bookmarks.</summary>
    public void SendBookmark()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.AllowBookmarks))
            {
                watch.Bookmark(_resourceVersion.ToString());
            }
        }
    }

    /// <summary>Stores an object with no fault injection and no call record (test setup).</summary>
    public T Seed<T>(T obj) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            return CreateLocked(obj);
        }
    }

    public T? Peek<T>(string name, string? ns = null) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            return Store<T>().TryGetValue(Key<T>(ns, name), out var stored) ? Copy((T)stored) : null;
        }
    }

    public Task<T> GetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("get", ns, name);
            return Task.FromResult(Copy((T)GetLocked<T>(ns, name)));
        }
    }

    public Task<T?> TryGetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("get", ns, name);
            return Task.FromResult(Store<T>().TryGetValue(Key<T>(ns, name), out var stored) ? Copy((T)stored) : null);
        }
    }

    public Task<KubernetesList<T>> ListAsync<T>(string? ns = null, ListOptions? options = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("list", ns, null, options?.ResourceVersion, options?.LabelSelector);
            var selector = LabelSelectorExpression.Parse(options?.LabelSelector);
            var items = Store<T>().Values.Cast<T>()
                .Where(o => InScope<T>(o, ns) && selector.Matches(o.Metadata.Labels) && FieldMatches(o, options?.FieldSelector))
                .OrderBy(o => o.Metadata.NamespaceProperty).ThenBy(o => o.Metadata.Name)
                .Select(Copy)
                .ToList();
            return Task.FromResult(new KubernetesList<T>(items)
            {
                ApiVersion = KubeResource.For<T>().ApiVersion,
                Kind = KubeResource.For<T>().Kind + "List",
                Metadata = new V1ListMeta { ResourceVersion = _resourceVersion.ToString() },
                Items = items,
            });
        }
    }

    public Task<T> CreateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        CreateHeldBy(obj.Metadata.Name) is { } held ? CreateAfterAsync(held, obj, ct) : CreateNow(obj);

    private async Task<T> CreateAfterAsync<T>(Task held, T obj, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        await held.WaitAsync(ct);
        return await CreateNow(obj);
    }

    private Task<T> CreateNow<T>(T obj) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("create", obj.Metadata.NamespaceProperty, obj.Metadata.Name);
            return Task.FromResult(CreateLocked(obj));
        }
    }

    public Task<T> UpdateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("update", obj.Metadata.NamespaceProperty, obj.Metadata.Name);
            var stored = (T)GetLocked<T>(obj.Metadata.NamespaceProperty, obj.Metadata.Name!);
            CheckResourceVersion<T>(stored, obj.Metadata.ResourceVersion);
            var next = ToNode(obj);
            next["status"] = ToNode(stored)["status"]?.DeepClone();
            return Task.FromResult(WriteLocked(stored, next));
        }
    }

    public Task<T> UpdateStatusAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("updatestatus", obj.Metadata.NamespaceProperty, obj.Metadata.Name);
            var stored = (T)GetLocked<T>(obj.Metadata.NamespaceProperty, obj.Metadata.Name!);
            CheckResourceVersion<T>(stored, obj.Metadata.ResourceVersion);
            var next = ToNode(stored);
            next["status"] = ToNode(obj)["status"]?.DeepClone();
            return Task.FromResult(WriteLocked(stored, next));
        }
    }

    public Task<T> PatchAsync<T>(string name, string? ns, V1Patch patch, string? subresource = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("patch", ns, name);
            if (patch.Type != V1Patch.PatchType.MergePatch)
            {
                throw new NotSupportedException("FakeKubeClient supports merge patches only");
            }

            var stored = (T)GetLocked<T>(ns, name);
            var body = JsonNode.Parse(patch.Content as string ?? KubeJson.Serialize(patch.Content))!.AsObject();
            if (body["metadata"]?["resourceVersion"]?.GetValue<string>() is { } rv)
            {
                CheckResourceVersion<T>(stored, rv);
            }

            var next = ToNode(stored);
            if (subresource == "status")
            {
                var status = next["status"] as JsonObject ?? [];
                next["status"] = MergePatch(status, body["status"]);
            }
            else
            {
                body.Remove("status");
                next = (JsonObject)MergePatch(next, body)!;
            }

            return Task.FromResult(WriteLocked(stored, next));
        }
    }

    public Task<T> ApplyAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("apply", obj.Metadata.NamespaceProperty, obj.Metadata.Name);
            if (!Store<T>().TryGetValue(Key<T>(obj.Metadata.NamespaceProperty, obj.Metadata.Name!), out var existing))
            {
                return Task.FromResult(CreateLocked(obj));
            }

            var patch = ToNode(obj);
            patch.Remove(options.Subresource == "status" ? "spec" : "status");
            var next = (JsonObject)MergePatch(ToNode((T)existing), patch)!;
            return Task.FromResult(WriteLocked((T)existing, next));
        }
    }

    public Task DeleteAsync<T>(string name, string? ns = null, DeleteOptions? options = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("delete", ns, name);
            var stored = (T)GetLocked<T>(ns, name);
            if (options?.PreconditionUid is { } uid && uid != stored.Metadata.Uid
                || options?.PreconditionResourceVersion is { } rv && rv != stored.Metadata.ResourceVersion)
            {
                throw Conflict();
            }

            if (stored.Metadata.Finalizers is { Count: > 0 })
            {
                if (stored.Metadata.DeletionTimestamp is null)
                {
                    var next = ToNode(stored);
                    next["metadata"]!["deletionTimestamp"] = JsonSerializer.SerializeToNode(_time.GetUtcNow(), KubeJson.Options);
                    WriteLocked(stored, next);
                }

                return Task.CompletedTask;
            }

            Store<T>().Remove(Key<T>(ns, name));
            stored.Metadata.ResourceVersion = (++_resourceVersion).ToString();
            Publish(WatchEventType.Deleted, stored, stored);
            return Task.CompletedTask;
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? ns = null, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var subscription = OpenWatch<T>(ns, options ?? new WatchOptions());
        try
        {
            while (await subscription.Events.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (subscription.Events.Reader.TryRead(out var item))
                {
                    yield return (WatchEvent<T>)item;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(subscription);
            }
        }
    }

    private Subscription OpenWatch<T>(string? ns, WatchOptions options) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Enter<T>("watch", ns, null, options.ResourceVersion, options.LabelSelector);
            var subscription = new Subscription<T>(Resource<T>(), ns, LabelSelectorExpression.Parse(options.LabelSelector), options.AllowBookmarks);
            if (options.ResourceVersion is null or "" or "0")
            {
                foreach (var obj in Store<T>().Values.Cast<T>().Where(o => InScope<T>(o, ns)).OrderBy(o => o.Metadata.Name))
                {
                    subscription.Offer(WatchEventType.Added, null, obj);
                }
            }
            else
            {
                var from = long.Parse(options.ResourceVersion);
                if (from < _compactedTo)
                {
                    throw Gone();
                }

                foreach (var change in _history.Where(c => c.ResourceVersion > from && c.Resource == subscription.Resource))
                {
                    subscription.Offer(change.Type, change.Old, change.New);
                }
            }

            _watches.Add(subscription);
            return subscription;
        }
    }

    private void EndWatches(Exception? error)
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Events.Writer.TryComplete(error);
            }

            _watches.Clear();
        }
    }

    private void Enter<T>(string verb, string? ns, string? name, string? resourceVersion = null, string? labelSelector = null)
    {
        _calls.Add(new FakeCall(verb, Resource<T>(), ns, name, resourceVersion, labelSelector));
        if (_faults.TryGetValue(verb, out var queue) && queue.TryDequeue(out var fault))
        {
            throw fault;
        }
    }

    private T CreateLocked<T>(T obj) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var copy = KubeResource.Stamp(Copy(obj));
        var meta = copy.Metadata;
        if (string.IsNullOrEmpty(meta.Name) && !string.IsNullOrEmpty(meta.GenerateName))
        {
            meta.Name = meta.GenerateName + (++_uid).ToString("x5");
        }

        if (string.IsNullOrEmpty(meta.Name))
        {
            throw new InvalidException(new V1Status { Code = 422, Reason = "Invalid", Message = "name or generateName is required" });
        }

        if (!KubeResource.For<T>().Namespaced)
        {
            meta.NamespaceProperty = null;
        }

        var key = Key<T>(meta.NamespaceProperty, meta.Name);
        if (Store<T>().ContainsKey(key))
        {
            throw new AlreadyExistsException(new V1Status { Code = 409, Reason = "AlreadyExists", Message = $"{Resource<T>()} \"{meta.Name}\" already exists" });
        }

        meta.Uid = $"uid-{++_uid}";
        meta.CreationTimestamp = TruncateToSeconds(_time.GetUtcNow()).UtcDateTime;
        meta.Generation = 1;
        meta.ResourceVersion = (++_resourceVersion).ToString();
        Store<T>()[key] = copy;
        Publish(WatchEventType.Added, null, copy);
        return Copy(copy);
    }

    /// <summary>Stores <paramref name="next"/> over <paramref name="stored"/>, keeping server-owned metadata; identical writes are no-ops.</summary>
    private T WriteLocked<T>(T stored, JsonObject next) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var candidate = (T)next.Deserialize(stored.GetType(), KubeJson.Options)!;
        candidate.Metadata.Uid = stored.Metadata.Uid;
        candidate.Metadata.CreationTimestamp = stored.Metadata.CreationTimestamp;
        candidate.Metadata.Generation = stored.Metadata.Generation;
        candidate.Metadata.NamespaceProperty = stored.Metadata.NamespaceProperty;
        candidate.Metadata.Name = stored.Metadata.Name;
        candidate.Metadata.ResourceVersion = stored.Metadata.ResourceVersion;
        candidate.Metadata.DeletionTimestamp ??= stored.Metadata.DeletionTimestamp;
        if (JsonNode.DeepEquals(ToNode(candidate), ToNode(stored)))
        {
            return Copy(stored);
        }

        if (!JsonNode.DeepEquals(WithoutMetaAndStatus(candidate), WithoutMetaAndStatus(stored)))
        {
            candidate.Metadata.Generation = (stored.Metadata.Generation ?? 0) + 1;
        }

        if (candidate.Metadata.DeletionTimestamp is not null && candidate.Metadata.Finalizers is not { Count: > 0 })
        {
            Store<T>().Remove(Key<T>(stored.Metadata.NamespaceProperty, stored.Metadata.Name!));
            candidate.Metadata.ResourceVersion = (++_resourceVersion).ToString();
            Publish(WatchEventType.Deleted, stored, candidate);
            return Copy(candidate);
        }

        candidate.Metadata.ResourceVersion = (++_resourceVersion).ToString();
        Store<T>()[Key<T>(stored.Metadata.NamespaceProperty, stored.Metadata.Name!)] = candidate;
        Publish(WatchEventType.Modified, stored, candidate);
        return Copy(candidate);
    }

    private void Publish(WatchEventType type, IKubernetesObject<V1ObjectMeta>? old, IKubernetesObject<V1ObjectMeta> current)
    {
        var resource = Resource(current.GetType());
        _history.Add(new Change(_resourceVersion, resource, type, old, current));
        foreach (var watch in _watches.Where(w => w.Resource == resource))
        {
            watch.Offer(type, old, current);
        }
    }

    private IKubernetesObject<V1ObjectMeta> GetLocked<T>(string? ns, string name) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Store<T>().TryGetValue(Key<T>(ns, name), out var stored)
            ? stored
            : throw new NotFoundException(new V1Status { Code = 404, Reason = "NotFound", Message = $"{Resource<T>()} \"{name}\" not found" });

    private static void CheckResourceVersion<T>(IKubernetesObject<V1ObjectMeta> stored, string? resourceVersion)
    {
        if (!string.IsNullOrEmpty(resourceVersion) && resourceVersion != stored.Metadata.ResourceVersion)
        {
            throw new ConflictException(new V1Status
            {
                Code = 409,
                Reason = "Conflict",
                Message = $"Operation cannot be fulfilled on {Resource<T>()} \"{stored.Metadata.Name}\": the object has been modified; please apply your changes to the latest version and try again",
            });
        }
    }

    private Dictionary<(string Ns, string Name), IKubernetesObject<V1ObjectMeta>> Store<T>()
    {
        var resource = Resource<T>();
        if (!_objects.TryGetValue(resource, out var store))
        {
            _objects[resource] = store = [];
        }

        return store;
    }

    private static (string, string) Key<T>(string? ns, string name) =>
        (KubeResource.For<T>().Namespaced ? ns ?? "" : "", name);

    private static bool InScope<T>(IKubernetesObject<V1ObjectMeta> obj, string? ns) =>
        ns is null || !KubeResource.For<T>().Namespaced || obj.Metadata.NamespaceProperty == ns;

    private static bool FieldMatches(IKubernetesObject<V1ObjectMeta> obj, string? fieldSelector)
    {
        if (string.IsNullOrEmpty(fieldSelector))
        {
            return true;
        }

        foreach (var term in fieldSelector.Split(','))
        {
            var parts = term.Split('=', 2);
            var actual = parts[0] switch
            {
                "metadata.name" => obj.Metadata.Name,
                "metadata.namespace" => obj.Metadata.NamespaceProperty,
                _ => throw new NotSupportedException($"field selector {parts[0]}"),
            };
            if (actual != parts[1])
            {
                return false;
            }
        }

        return true;
    }

    private static string Resource<T>() => Resource(typeof(T));

    private static string Resource(Type type) => KubeResource.For(type).GroupResource;

    private static T Copy<T>(T obj) where T : notnull => KubeJson.DeepCopy(obj);

    private static JsonObject ToNode(IKubernetesObject<V1ObjectMeta> obj) => JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options)!.AsObject();

    private static JsonObject WithoutMetaAndStatus(IKubernetesObject<V1ObjectMeta> obj)
    {
        var node = ToNode(obj);
        node.Remove("metadata");
        node.Remove("status");
        return node;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>RFC 7386.</summary>
    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key], value);
            }
        }

        return result;
    }

    private sealed record Change(long ResourceVersion, string Resource, WatchEventType Type, IKubernetesObject<V1ObjectMeta>? Old, IKubernetesObject<V1ObjectMeta> New);

    private abstract class Subscription(string resource, string? ns, LabelSelectorExpression selector, bool allowBookmarks)
    {
        public string Resource { get; } = resource;
        public bool AllowBookmarks { get; } = allowBookmarks;
        public Channel<object> Events { get; } = Channel.CreateUnbounded<object>();

        /// <summary>Turns a store change into what this watch sees, including selector transitions.</summary>
        public void Offer(WatchEventType type, IKubernetesObject<V1ObjectMeta>? old, IKubernetesObject<V1ObjectMeta> current)
        {
            var nowIn = InScope(current);
            var wasIn = old is not null && InScope(old);
            var seen = type switch
            {
                WatchEventType.Added => nowIn ? WatchEventType.Added : (WatchEventType?)null,
                WatchEventType.Deleted => wasIn || nowIn ? WatchEventType.Deleted : null,
                WatchEventType.Modified when wasIn && nowIn => WatchEventType.Modified,
                WatchEventType.Modified when wasIn => WatchEventType.Deleted,
                WatchEventType.Modified when nowIn => WatchEventType.Added,
                _ => null,
            };
            if (seen is { } t)
            {
                Events.Writer.TryWrite(Create(t, KubeJson.DeepCopy(current)));
            }
        }

        public abstract void Bookmark(string resourceVersion);

        protected abstract object Create(WatchEventType type, IKubernetesObject<V1ObjectMeta> obj);

        private bool InScope(IKubernetesObject<V1ObjectMeta> obj) =>
            (ns is null || obj.Metadata.NamespaceProperty is null || obj.Metadata.NamespaceProperty == ns) && selector.Matches(obj.Metadata.Labels);
    }

    private sealed class Subscription<T>(string resource, string? ns, LabelSelectorExpression selector, bool allowBookmarks)
        : Subscription(resource, ns, selector, allowBookmarks) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public override void Bookmark(string resourceVersion)
        {
            var marker = (T)Activator.CreateInstance(typeof(T))!;
            marker.Metadata = new V1ObjectMeta { ResourceVersion = resourceVersion };
            Events.Writer.TryWrite(new WatchEvent<T>(WatchEventType.Bookmark, marker));
        }

        protected override object Create(WatchEventType type, IKubernetesObject<V1ObjectMeta> obj) => new WatchEvent<T>(type, (T)obj);
    }
}
