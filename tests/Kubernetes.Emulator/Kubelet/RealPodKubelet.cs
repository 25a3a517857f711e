using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Kubelet;

/// <summary>
/// The kubelet and kube-proxy of real pod mode: starts a <see cref="RealPod"/> for each Pod that
/// <see cref="RealPodSpec.For"/> accepts, writes its status, and keeps a <see cref="ServiceProxy"/> per Service.
/// The simulated ReplicaSet controller asks <see cref="StateOf"/> instead of its timer for the pods claimed here.
/// </summary>
internal sealed class RealPodKubelet : IAsyncDisposable
{
    private static readonly WriteOptions Internal = new(Internal: true);
    private readonly ApiCore _core;
    private readonly RealPodOptions _options;
    private readonly ConcurrentDictionary<string, RealPod> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _claims = new(StringComparer.Ordinal);
    /// <summary>Deleted pods whose processes are still stopping (a sidecar drains before it exits), by uid.</summary>
    private readonly ConcurrentDictionary<string, (RealPod Pod, Task Stopped)> _terminations = new(StringComparer.Ordinal);
    private readonly List<PodEnvRule> _rules;
    private readonly Channel<ChangeEvent> _queue = Channel.CreateUnbounded<ChangeEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _probe = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) }) { Timeout = TimeSpan.FromSeconds(2) };
    private Task _loop = Task.CompletedTask;

    public RealPodKubelet(ApiCore core, RealPodOptions options)
    {
        _core = core;
        _options = options;
        _rules = [.. options.PodEnv];
        Proxy = new ServiceProxy(this, options.Log);
    }

    public ServiceProxy Proxy { get; }

    public void Start()
    {
        _core.Store.Subscribe(OnChange);
        foreach (var key in new[] { BuiltInTypes.Pods.StorageKey, BuiltInTypes.Services.StorageKey })
            foreach (var o in _core.Store.List(key, null)) _queue.Writer.TryWrite(new ChangeEvent(key, ChangeType.Added, o, null));
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Whether this pod runs (or will run) as a real process; decided once per pod from its spec.</summary>
    public bool Claims(StoredObject pod) => _claims.GetOrAdd(pod.Uid, _ => RealPodSpec.For(pod, _options) is not null);

    /// <summary>The readiness a real pod has now, or null for a simulated one.</summary>
    public Controllers.ReplicaSetController.PodState? StateOf(StoredObject pod)
    {
        if (!Claims(pod)) return null;
        if (!_pods.TryGetValue(pod.Uid, out var real)) return Controllers.ReplicaSetController.PodState.Unready;
        return real.Ready && !real.Terminating ? Controllers.ReplicaSetController.PodState.Ready
            : real.CrashLooping ? Controllers.ReplicaSetController.PodState.Failing
            : Controllers.ReplicaSetController.PodState.Unready;
    }

    /// <summary>Ready, not terminating pods in <paramref name="ns"/> whose labels the selector matches, by name.</summary>
    public List<RealPod> ReadyEndpoints(string ns, IReadOnlyDictionary<string, string> selector) =>
        [.. _pods.Values.Where(p => p.Namespace == ns && p.Ready && !p.Terminating && selector.All(s => p.Labels.TryGetValue(s.Key, out var v) && v == s.Value))
            .OrderBy(p => p.Name, StringComparer.Ordinal)];

    public int? ProcessId(string ns, string name) => _pods.Values.FirstOrDefault(p => p.Namespace == ns && p.Name == name)?.ProcessId;

    public IReadOnlyList<int> ProcessIds => [.. _pods.Values.Select(p => p.ProcessId).OfType<int>()];

    /// <summary>Adds a rule for processes started from now on (restarts included).</summary>
    public void AddEnv(PodEnvRule rule)
    {
        _ = LabelSelector.Parse(rule.LabelSelector); // a bad selector fails here, not at the next pod start
        lock (_rules) _rules.Add(rule);
    }

    public void ClearEnv()
    {
        lock (_rules) _rules.Clear();
    }

    private Dictionary<string, string> EnvFor(IReadOnlyDictionary<string, string> labels)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        lock (_rules)
            foreach (var rule in _rules)
                if (LabelSelector.Parse(rule.LabelSelector).Matches(labels))
                    foreach (var (k, v) in rule.Env) env[k] = v;
        return env;
    }

    public async Task<bool> ProbeAsync(RealPod pod)
    {
        try
        {
            using var response = await _probe.GetAsync($"http://{pod.Address}:{pod.Spec.Port}/v2/health/ready", _stop.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Writes the pod's status from its process state (retried on a conflict with another writer).</summary>
    public void WriteStatus(RealPod pod)
    {
        lock (pod)
            for (var attempt = 0; attempt < 5; attempt++)
            {
                if (_core.TryGet(BuiltInTypes.Pods, pod.Namespace, pod.Name) is not { Deleting: false } live || live.Uid != pod.Uid) return;
                var node = live.ToNode();
                var status = pod.Status(node, _core.Time.GetUtcNow());
                if (JsonNode.DeepEquals(Json.Canonical(node["status"]), Json.Canonical(status))) return;
                node["status"] = status;
                try
                {
                    _core.Update(BuiltInTypes.Pods, pod.Namespace, pod.Name, node, Internal, "status");
                    return;
                }
                catch (ApiError e) when (e.Code == 409)
                {
                }
                catch (ApiError)
                {
                    return;
                }
            }
    }

    private void OnChange(ChangeEvent e)
    {
        if (e.StorageKey != BuiltInTypes.Pods.StorageKey && e.StorageKey != BuiltInTypes.Services.StorageKey) return;
        // Called under the store's lock: only leave the endpoints here, at once, before anything else happens.
        if (e.StorageKey == BuiltInTypes.Pods.StorageKey && (e.Type == ChangeType.Deleted || e.Object.Deleting) && _pods.TryGetValue(e.Object.Uid, out var pod))
            pod.Terminating = true;
        _queue.Writer.TryWrite(e);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var e in _queue.Reader.ReadAllAsync(ct))
            {
                try
                {
                    Handle(e);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One bad object must not stop the kubelet for every other pod.
                    _options.Log?.Invoke($"kubelet: {e.Type} {e.Object.Key}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Handle(ChangeEvent e)
    {
        if (e.StorageKey == BuiltInTypes.Services.StorageKey)
        {
            Proxy.Sync(e.Object, e.Type == ChangeType.Deleted);
            return;
        }
        if (e.Type == ChangeType.Deleted || e.Object.Deleting)
        {
            if (_pods.TryRemove(e.Object.Uid, out var gone)) _terminations[gone.Uid] = (gone, TerminateAsync(gone));
            if (e.Type == ChangeType.Deleted) _claims.TryRemove(e.Object.Uid, out _);
            return;
        }
        if (_pods.ContainsKey(e.Object.Uid) || RealPodSpec.For(e.Object, _options) is not { } spec) return;
        var pod = new RealPod(e.Object, spec, PodAddresses.Allocate(spec.Port), _options, _core.Time, this);
        _pods[pod.Uid] = pod;
        pod.Start(EnvFor(e.Object.Labels));
        WriteStatus(pod);
    }

    private async Task TerminateAsync(RealPod pod)
    {
        await Task.Yield(); // the caller records the termination first, so the removal below always finds it
        try
        {
            await pod.TerminateAsync();
        }
        finally
        {
            _terminations.TryRemove(pod.Uid, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _queue.Writer.TryComplete();
        await _loop;
        await Proxy.DisposeAsync();
        // Emulator shutdown, not pod deletion: SIGKILL every process, draining ones included, and wait for each.
        foreach (var pod in _pods.Values) pod.KillAndWait();
        _pods.Clear();
        foreach (var (pod, stopped) in _terminations.Values)
        {
            pod.KillDraining();
            try { await stopped.WaitAsync(TimeSpan.FromSeconds(15)); } catch (TimeoutException) { }
        }
        _probe.Dispose();
        _stop.Dispose();
    }

}
