using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Runtime.Cache;

/// <summary>
/// Reflector + indexer + handler dispatch for one kind (client-go SharedIndexInformer). It lists, then watches
/// from the list's resourceVersion with bookmarks; a clean watch end resumes from the last resourceVersion seen;
/// 410 Gone (or an ERROR event) relists from scratch, delivering only the differences so nothing is lost or
/// duplicated; other errors back off and retry. Reads return deep copies, so callers may mutate them (the *ReadOnly reads do not copy). Scoped to
/// several namespaces, it runs one list/watch per namespace into one cache (each relists only its own namespace).
/// </summary>
public sealed class Informer<T> : IInformer where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly TimeSpan ShortWatch = TimeSpan.FromSeconds(1);

    private readonly IKubeClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Indexer<T> _indexer = new();
    private readonly LabelSelectorExpression _selector;
    // Serialises store changes with their delivery, so handlers see events in resourceVersion order.
    private readonly Lock _dispatch = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<ResourceEventHandler<T>> _handlers = [];
    private Func<T, T>? _transform;
    private readonly Reflector[] _reflectors;
    private int _running;

    public Informer(IKubeClient client, InformerOptions options, TimeProvider time, ILogger logger)
    {
        _client = client;
        _time = time;
        _logger = logger;
        Options = options;
        _selector = LabelSelectorExpression.Parse(options.LabelSelector);
        _reflectors = [.. options.Scopes.Select(ns => new Reflector(ns))];
    }

    public Type ObjectType => typeof(T);

    public InformerOptions Options { get; }

    public bool HasSynced => _synced.Task.IsCompleted;

    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>The resourceVersion the next watch starts from (of the first namespace, when there are several).</summary>
    public string? LastSyncResourceVersion => _reflectors[0].LastResourceVersion;

    public Task WaitForSyncAsync(CancellationToken ct) => _synced.Task.WaitAsync(ct);

    /// <summary>Adds a custom index (also over what is already cached).</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexFunc) => _indexer.AddIndex(name, indexFunc);

    /// <summary>
    /// Trims every object before it is cached and delivered (client-go's SetTransform): a controller that reads a few
    /// fields of a kind need not keep the rest in memory. Set it before the informer runs; handlers and readers then
    /// only ever see transformed objects (managedFields are stripped as well, per <see cref="InformerOptions"/>).
    /// </summary>
    public void SetTransform(Func<T, T> transform)
    {
        lock (_dispatch)
        {
            if (Equals(_transform, transform))
            {
                return; // the same transform again (a second controller on this informer)
            }

            if (IsRunning || _indexer.Keys().Count > 0)
            {
                throw new InvalidOperationException($"the {typeof(T).Name} informer is already running; set its transform before it starts");
            }

            if (_transform is not null)
            {
                throw new InvalidOperationException($"the {typeof(T).Name} informer already has a transform");
            }

            _transform = transform;
        }
    }

    /// <summary>
    /// Registers handlers; what is already cached is delivered to them as adds first (so a controller that
    /// starts late still sees everything). Dispose the result to unregister.
    /// </summary>
    public IDisposable AddEventHandler(ResourceEventHandler<T> handler)
    {
        lock (_dispatch)
        {
            _handlers = [.. _handlers, handler];
            foreach (var obj in _indexer.All())
            {
                Invoke(handler, h => h.OnAdd?.Invoke(obj));
            }
        }

        return new Registration(() =>
        {
            lock (_dispatch)
            {
                _handlers = _handlers.Where(h => !ReferenceEquals(h, handler)).ToList();
            }
        });
    }

    public T? Get(string? ns, string name) => Copy(_indexer.Get(ObjectKey.Of(ns, name)));

    public T? Get(string key) => Copy(_indexer.Get(key));

    /// <summary>Cached objects, optionally in one namespace and matching a label selector.</summary>
    public IReadOnlyList<T> List(string? ns = null, LabelSelectorExpression? selector = null)
    {
        var items = ns is null ? _indexer.All() : _indexer.ByIndex(IndexNames.Namespace, ns);
        return [.. items.Where(o => selector is null || selector.Matches(o.Metadata.Labels)).Select(o => KubeJson.DeepCopy(o))];
    }

    public IReadOnlyList<T> ByIndex(string indexName, string value) => [.. _indexer.ByIndex(indexName, value).Select(o => KubeJson.DeepCopy(o))];

    public IReadOnlyList<string> ListKeys() => _indexer.Keys();

    // The read-only accessors hand out the cached objects themselves (controller-runtime's UnsafeDisableDeepCopy):
    // no copy per read for callers that only look. The cache replaces an object on every change and never edits one
    // in place, so what a caller holds stays a consistent snapshot; mutating it would corrupt the cache for everyone.

    /// <summary>Like <see cref="Get(string?, string)"/>, but the cached object itself: never mutate it.</summary>
    public T? GetReadOnly(string? ns, string name) => _indexer.Get(ObjectKey.Of(ns, name));

    /// <summary>Like <see cref="List"/>, but the cached objects themselves: never mutate them.</summary>
    public IReadOnlyList<T> ListReadOnly(string? ns = null, LabelSelectorExpression? selector = null)
    {
        var items = ns is null ? _indexer.All() : _indexer.ByIndex(IndexNames.Namespace, ns);
        return selector is null ? items : [.. items.Where(o => selector.Matches(o.Metadata.Labels))];
    }

    /// <summary>Like <see cref="ByIndex"/>, but the cached objects themselves: never mutate them.</summary>
    public IReadOnlyList<T> ByIndexReadOnly(string indexName, string value) => _indexer.ByIndex(indexName, value);

    public async Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"informer for {typeof(T).Name} is already running");
        }

        try
        {
            var resync = Options.ResyncPeriod > TimeSpan.Zero ? ResyncLoopAsync(ct) : Task.CompletedTask;
            await Task.WhenAll(_reflectors.Select(r => ReflectAsync(r, ct))).ConfigureAwait(false);
            await resync.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task ReflectAsync(Reflector reflector, CancellationToken ct)
    {
        var backoff = new Backoff(Options.InitialBackoff, Options.MaxBackoff);
        var needList = true;
        while (!ct.IsCancellationRequested)
        {
            var listing = needList;
            try
            {
                if (needList)
                {
                    // Always a fresh consistent list (resourceVersion ""): after a 410 an old version is useless.
                    var list = await _client.ListAsync<T>(reflector.Namespace, new ListOptions { LabelSelector = Options.LabelSelector }, ct).ConfigureAwait(false);
                    Replace(list, reflector);
                    needList = false;
                    backoff.Reset();
                }

                var started = _time.GetUtcNow();
                var events = await WatchOnceAsync(reflector, ct).ConfigureAwait(false);
                if (events == 0 && _time.GetUtcNow() - started < ShortWatch)
                {
                    // client-go treats an empty watch that closes at once as a failure: do not hot-loop on it.
                    _logger.LogDebug("Watch of {Kind} closed at once with no events; backing off", typeof(T).Name);
                    await Task.Delay(backoff.Next(), _time, ct).ConfigureAwait(false);
                }
                else
                {
                    backoff.Reset();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (GoneException ex)
            {
                _logger.LogInformation("Watch of {Kind} from resourceVersion {ResourceVersion} expired ({Message}); relisting",
                    typeof(T).Name, reflector.LastResourceVersion, ex.Message);
                needList = true;
            }
            catch (WatchErrorException ex)
            {
                _logger.LogWarning("Watch of {Kind} reported an error ({Code} {Reason}); relisting", typeof(T).Name, ex.Status.Code, ex.Status.Reason);
                needList = true;
                await Task.Delay(backoff.Next(), _time, ct).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var delay = ex is TooManyRequestsException { RetryAfter: { } retryAfter } ? retryAfter : backoff.Next();
                _logger.LogWarning(ex, "{Operation} of {Kind} failed; retrying in {Delay}", listing ? "List" : "Watch", typeof(T).Name, delay);
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<int> WatchOnceAsync(Reflector reflector, CancellationToken ct)
    {
        var options = new WatchOptions
        {
            ResourceVersion = reflector.LastResourceVersion,
            LabelSelector = Options.LabelSelector,
            AllowBookmarks = true,
            // Jittered like client-go so many informers do not reconnect together.
            TimeoutSeconds = (int)(Options.WatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble())),
        };
        var count = 0;
        await foreach (var e in _client.WatchAsync<T>(reflector.Namespace, options, ct).ConfigureAwait(false))
        {
            count++;
            Apply(e, reflector);
        }

        return count;
    }

    private void Apply(WatchEvent<T> e, Reflector reflector)
    {
        if (e.Type == WatchEventType.Error || e.Object is null)
        {
            var status = e.Status ?? new V1Status { Code = 500, Message = "watch error without status" };
            throw status.Code == 410 ? new GoneException(status) : new WatchErrorException(status);
        }

        var obj = e.Object;
        lock (_dispatch)
        {
            switch (e.Type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    // A server-side selector is authoritative, but re-check so a misbehaving server cannot leak objects in.
                    if (!_selector.Matches(obj.Metadata.Labels))
                    {
                        Delete(ObjectKey.Of(obj), Transform(obj));
                        break;
                    }

                    var old = _indexer.Upsert(Transform(obj));
                    if (old is null)
                    {
                        Dispatch(h => h.OnAdd?.Invoke(obj));
                    }
                    else
                    {
                        Dispatch(h => h.OnUpdate?.Invoke(old, obj));
                    }

                    break;
                case WatchEventType.Deleted:
                    Delete(ObjectKey.Of(obj), Transform(obj));
                    break;
                case WatchEventType.Bookmark:
                    break;
            }

            if (!string.IsNullOrEmpty(obj.Metadata.ResourceVersion))
            {
                reflector.LastResourceVersion = obj.Metadata.ResourceVersion;
            }
        }
    }

    private T Transform(T obj)
    {
        if (Options.StripManagedFields)
        {
            obj.Metadata.ManagedFields = null;
        }

        return _transform is null ? obj : _transform(obj);
    }

    private void Delete(string key, T final)
    {
        var old = _indexer.Remove(key);
        if (old is not null)
        {
            Dispatch(h => h.OnDelete?.Invoke(final));
        }
    }

    /// <summary>
    /// Makes the reflector's part of the cache (its namespace, or all of it) equal to a fresh list, delivering only
    /// what differs from what handlers already saw.
    /// </summary>
    private void Replace(KubernetesList<T> list, Reflector reflector)
    {
        bool synced;
        lock (_dispatch)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var obj in list.Items)
            {
                var key = ObjectKey.Of(obj);
                seen.Add(key);
                var old = _indexer.Upsert(Transform(obj));
                if (old is null)
                {
                    Dispatch(h => h.OnAdd?.Invoke(obj));
                }
                else if (old.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
                {
                    Dispatch(h => h.OnUpdate?.Invoke(old, obj));
                }
            }

            foreach (var key in _indexer.Keys().Where(k => !seen.Contains(k) && reflector.Covers(k)))
            {
                var gone = _indexer.Remove(key);
                if (gone is not null)
                {
                    Dispatch(h => h.OnDelete?.Invoke(gone));
                }
            }

            reflector.LastResourceVersion = list.Metadata.ResourceVersion;
            reflector.Listed = true;
            synced = _reflectors.All(r => r.Listed);
        }

        if (synced && _synced.TrySetResult())
        {
            _logger.LogInformation("Cache for {Kind} synced: {Count} objects at resourceVersion {ResourceVersion}",
                typeof(T).Name, list.Items.Count, list.Metadata.ResourceVersion);
        }
    }

    private async Task ResyncLoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(Options.ResyncPeriod, _time, ct).ConfigureAwait(false);
                if (!HasSynced)
                {
                    continue;
                }

                lock (_dispatch)
                {
                    foreach (var obj in _indexer.All())
                    {
                        Dispatch(h => h.OnUpdate?.Invoke(obj, obj));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Dispatch(Action<ResourceEventHandler<T>> call)
    {
        foreach (var handler in _handlers)
        {
            Invoke(handler, call);
        }
    }

    private void Invoke(ResourceEventHandler<T> handler, Action<ResourceEventHandler<T>> call)
    {
        try
        {
            call(handler);
        }
        catch (Exception ex)
        {
            // One faulty handler must not stop the reflector or starve the other handlers.
            _logger.LogError(ex, "Event handler for {Kind} threw", typeof(T).Name);
        }
    }

    private static T? Copy(T? obj) => obj is null ? null : KubeJson.DeepCopy(obj);

    /// <summary>One list/watch loop: its namespace (null: all) and where its watch resumes.</summary>
    private sealed class Reflector(string? ns)
    {
        public string? Namespace { get; } = ns;

        public volatile string? LastResourceVersion;

        /// <summary>Set under the dispatch lock once its first list is in the cache.</summary>
        public bool Listed;

        /// <summary>Whether a cache key ("ns/name", or "name" when cluster-scoped) belongs to this reflector's list.</summary>
        public bool Covers(string key) => Namespace is null || key.StartsWith(Namespace + "/", StringComparison.Ordinal);
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
