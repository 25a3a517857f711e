using System.Threading.Channels;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Controllers;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator;

/// <summary>
/// The controllers a real cluster runs next to the apiserver, simulated in process: garbage collector
/// (background and foreground deletion), Deployment and ReplicaSet controllers (ReplicaSets {deployment}-{hash} per
/// template with rolling updates, Pods {replicaset}-{n} with podIP 127.0.0.1, Ready after <see cref="PodReadyDelay"/>
/// or as a test drives them, quota refusals as ReplicaFailure), a kubelet stand-in for pods no controller owns, and
/// ResourceQuota status. All run on one loop fed by store changes, so a test can <see cref="SettleAsync"/>.
/// </summary>
public sealed class SimulatedControllers : IAsyncDisposable
{
    private readonly ApiCore _core;
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly GarbageCollector _gc;
    private readonly DeploymentController _deployments;
    private readonly ReplicaSetController _replicaSets;
    private readonly EventRecorder _events;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ITimer> _podTimers = new(StringComparer.Ordinal);
    private readonly QuotaController _quotas;
    private Task? _loop;
    private long _pending;
    private volatile bool _started;
    private TaskCompletionSource? _resumed;

    internal SimulatedControllers(ApiCore core, EmulatorOptions options, Kubelet.RealPodKubelet? realPods = null)
    {
        _core = core;
        PodReadyDelay = options.PodReadyDelay;
        _gc = new GarbageCollector(core);
        _events = new EventRecorder(core);
        _replicaSets = new ReplicaSetController(core, _events, realPods);
        _deployments = new DeploymentController(core, this, _replicaSets, _events);
        _quotas = new QuotaController(core);
    }

    public bool Enabled => _started;

    /// <summary>Pods not driven by <see cref="SetPodStates"/> become Ready this long after creation.</summary>
    public TimeSpan PodReadyDelay { get; set; }

    /// <summary>
    /// Drive the pods of a Deployment's current ReplicaSet (the one for its current template): the first
    /// <paramref name="ready"/> are Ready, then unready, then failing (CrashLoopBackOff). Older ReplicaSets' pods keep time-driven readiness.
    /// Pods that run as real processes (<see cref="EmulatorOptions.RealPods"/>) ignore this: their sidecar decides.
    /// </summary>
    public void SetPodStates(string ns, string deployment, int ready, int unready = 0, int failing = 0)
    {
        _deployments.Drive(ns, deployment, new PodStates(ready, unready, failing));
        Resync(ns, deployment);
    }

    /// <summary>Back to time-driven readiness for this Deployment.</summary>
    public void ClearPodStates(string ns, string deployment)
    {
        _deployments.Drive(ns, deployment, null);
        Resync(ns, deployment);
    }

    /// <summary>Pods of this Deployment expose this containerPort on their first container (e.g. a real sidecar a test started).</summary>
    public void SetContainerPort(string ns, string deployment, int port)
    {
        _deployments.SetPort(ns, deployment, port);
        Resync(ns, deployment);
    }

    /// <summary>Completes once every change seen so far has been processed (and the writes it caused).</summary>
    public async Task SettleAsync(CancellationToken cancellationToken = default)
    {
        while (Interlocked.Read(ref _pending) > 0) await Task.Delay(2, cancellationToken);
    }

    /// <summary>Changes seen and not yet processed (with the writes they caused); 0 once settled.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Whether <see cref="Pause"/> holds the controllers.</summary>
    public bool Paused => Volatile.Read(ref _resumed) is not null;

    /// <summary>
    /// Holds the controllers: changes keep being queued (nothing is lost) but none is processed until <see cref="Resume"/>.
    /// Lets a benchmark measure the apiserver's own work apart from the controllers'. <see cref="SettleAsync"/> waits for
    /// a resume.
    /// </summary>
    public void Pause() => Interlocked.CompareExchange(ref _resumed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Processes what was queued while paused, and every change after it.</summary>
    public void Resume() => Interlocked.Exchange(ref _resumed, null)?.TrySetResult();

    internal void Start()
    {
        _started = true;
        _core.Store.Subscribe(Enqueue);
        foreach (var t in new[] { BuiltInTypes.Deployments, BuiltInTypes.ReplicaSets, BuiltInTypes.ResourceQuotas })
            foreach (var o in _core.Store.List(t.StorageKey, null)) Enqueue(new ChangeEvent(t.StorageKey, ChangeType.Added, o, null));
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    internal void Resync(string ns, string deployment) => Enqueue(new DeploymentKey(ns, deployment));

    private void Enqueue(object work)
    {
        if (!_started) return;
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(work)) Interlocked.Decrement(ref _pending);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var work in _queue.Reader.ReadAllAsync(ct))
            {
                if (Volatile.Read(ref _resumed) is { } paused) await paused.Task.WaitAsync(ct);
                try
                {
                    Process(work);
                }
                catch (ApiError)
                {
                    // Lost a race with a client write: the change that caused it is queued and will be seen next.
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Process(object work)
    {
        switch (work)
        {
            case DeploymentKey key:
                _deployments.Reconcile(key.Namespace, key.Name);
                return;
            case PodKey pod:
                RunBarePod(pod.Namespace, pod.Name);
                return;
            case ChangeEvent e:
                _gc.Handle(e);
                if (e.StorageKey == BuiltInTypes.Deployments.StorageKey) _deployments.Reconcile(e.Object.Namespace, e.Object.Name);
                else if (e.StorageKey == BuiltInTypes.ReplicaSets.StorageKey) ReconcileReplicaSet(e.Object);
                else if (e.StorageKey == BuiltInTypes.Pods.StorageKey)
                {
                    if (e.Object.OwnerUids.Count == 0 && e.Type != ChangeType.Deleted) RunBarePod(e.Object.Namespace, e.Object.Name);
                    // kube's ReplicaSet controller syncs the old owner too when a pod's ownerReferences changed (an
                    // orphaned pod no longer counts towards its replicas).
                    var owners = e.Previous is { } previous && e.Type != ChangeType.Deleted ? e.Object.OwnerUids.Union(previous.OwnerUids) : e.Object.OwnerUids;
                    foreach (var owner in owners)
                        if (_core.Store.GetByUid(owner) is { StorageKey: var k, Object: var rs } && k == BuiltInTypes.ReplicaSets.StorageKey)
                            ReconcileReplicaSet(rs);
                    _quotas.Reconcile(e.Object.Namespace);
                    if (e.Type == ChangeType.Deleted) RetryRefused(e.Object.Namespace);
                }
                else if (e.StorageKey == BuiltInTypes.ResourceQuotas.StorageKey)
                {
                    if (e.Type != ChangeType.Deleted) _quotas.Reconcile(e.Object.Namespace);
                    RetryRefused(e.Object.Namespace);
                }
                return;
        }
    }

    /// <summary>A ReplicaSet change goes to its Deployment; a ReplicaSet no Deployment controls is synced on its own.</summary>
    private void ReconcileReplicaSet(StoredObject rs)
    {
        var controller = DeploymentController.ControllerUid(rs);
        if (controller is not null && _core.Store.GetByUid(controller) is { StorageKey: var k, Object: var d } && k == BuiltInTypes.Deployments.StorageKey)
        {
            _deployments.Reconcile(d.Namespace, d.Name);
            return;
        }
        if (controller is null && _core.TryGet(BuiltInTypes.ReplicaSets, rs.Namespace, rs.Name) is { Deleting: false } live)
            _replicaSets.Sync(live, null, null, PodReadyDelay);
    }

    private void RunBarePod(string ns, string name)
    {
        if (_core.TryGet(BuiltInTypes.Pods, ns, name) is not { Deleting: false, OwnerUids.Count: 0 } pod) return;
        if (_replicaSets.RunBarePod(pod, PodReadyDelay) is not { } due) return;
        var wait = due - _core.Time.GetUtcNow();
        var timer = _core.Time.CreateTimer(_ => Enqueue(new PodKey(ns, name)), null, wait < TimeSpan.Zero ? TimeSpan.Zero : wait + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        if (_podTimers.TryGetValue(ns + "/" + name, out var old)) old.Dispose();
        _podTimers[ns + "/" + name] = timer;
    }

    /// <summary>Quota freed or changed: Deployments whose pods were refused try again (kube's controllers retry with back-off).</summary>
    private void RetryRefused(string ns)
    {
        foreach (var d in _core.Store.List(BuiltInTypes.Deployments.StorageKey, ns))
            if (d.Json.Contains("\"ReplicaFailure\"", StringComparison.Ordinal)) _deployments.Reconcile(d.Namespace, d.Name);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Resume();
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
        _deployments.Dispose();
        foreach (var t in _podTimers.Values) t.Dispose();
        _stop.Dispose();
    }

    private sealed record DeploymentKey(string Namespace, string Name);

    private sealed record PodKey(string Namespace, string Name);
}
