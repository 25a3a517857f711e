using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.Runtime.Cache;

/// <summary>
/// One informer per (kind, namespace, label selector), shared by every controller that asks for it, so the
/// operator opens one watch per kind. Informers asked for after <see cref="Start"/> start at once.
/// </summary>
public sealed class SharedInformerFactory(IKubeClient client, TimeProvider time, ILoggerFactory? loggerFactory = null, TimeSpan? defaultResync = null)
{
    private readonly ConcurrentDictionary<(Type Type, string? Namespace, string? Selector), IInformer> _informers = new();
    private readonly ILoggerFactory _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];
    private readonly HashSet<IInformer> _startedInformers = [];
    private CancellationToken? _started;

    public TimeSpan DefaultResync { get; } = defaultResync ?? TimeSpan.Zero;

    public IReadOnlyCollection<IInformer> Informers => [.. _informers.Values];

    public bool HasSynced => _informers.Values.All(i => i.HasSynced);

    public Informer<T> GetInformer<T>(string? ns = null, string? labelSelector = null) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var namespaced = KubeResource.For<T>().Namespaced;
        var key = (typeof(T), namespaced ? ns : null, string.IsNullOrWhiteSpace(labelSelector) ? null : labelSelector);
        var informer = (Informer<T>)_informers.GetOrAdd(key, k => new Informer<T>(
            client,
            new InformerOptions { Namespace = k.Namespace, LabelSelector = k.Selector, ResyncPeriod = DefaultResync },
            time,
            _loggerFactory.CreateLogger($"MlOperator.Operator.Runtime.Cache.Informer.{typeof(T).Name}")));
        StartIfNeeded(informer);
        return informer;
    }

    /// <summary>Starts every informer (and any created later) until the token is cancelled.</summary>
    public void Start(CancellationToken ct)
    {
        lock (_gate)
        {
            _started = ct;
        }

        foreach (var informer in _informers.Values)
        {
            StartIfNeeded(informer);
        }
    }

    public async Task WaitForCacheSyncAsync(CancellationToken ct)
    {
        foreach (var informer in _informers.Values)
        {
            await informer.WaitForSyncAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Completes when every started informer has stopped (after the start token is cancelled).</summary>
    public Task WhenStoppedAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running);
        }
    }

    private void StartIfNeeded(IInformer informer)
    {
        lock (_gate)
        {
            if (_started is not { } ct || !_startedInformers.Add(informer))
            {
                return;
            }

            _running.Add(Task.Run(() => informer.RunAsync(ct), CancellationToken.None));
        }
    }
}
