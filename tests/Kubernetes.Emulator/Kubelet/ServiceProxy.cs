using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Kubelet;

/// <summary>
/// kube-proxy for real pods: each Service with a selector gets a TCP listener on 127.0.0.1:&lt;free port&gt; (its first
/// port) that sends each new connection to the next Ready, not terminating pod it selects, round-robin, at the
/// targetPort (a number or a container port name). No ready pod → the connection is closed; nothing is retried.
/// </summary>
internal sealed class ServiceProxy(RealPodKubelet kubelet, Action<string>? log) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Listener> _listeners = new(StringComparer.Ordinal);

    public Uri? Url(string ns, string name) => _listeners.TryGetValue(ns + "/" + name, out var l) ? l.Url : null;

    public void Sync(StoredObject service, bool deleted)
    {
        var key = service.Key;
        var spec = service.ToNode()["spec"] as JsonObject;
        var selector = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in spec?["selector"] as JsonObject ?? []) if (v is not null) selector[k] = v.ToString();
        var port = (spec?["ports"] as JsonArray)?.FirstOrDefault();
        if (deleted || selector.Count == 0 || port is null)
        {
            if (_listeners.TryRemove(key, out var old)) old.Dispose();
            return;
        }
        var target = port["targetPort"] ?? port["port"];
        var route = new Route(service.Namespace, selector, target?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? target.GetValue<int>() : null, target?.ToString());
        if (_listeners.TryGetValue(key, out var existing))
        {
            existing.Route = route;
            return;
        }
        var listener = new Listener(kubelet, route);
        _listeners[key] = listener;
        log?.Invoke($"service {key}: {listener.Url.ToString().TrimEnd('/')} → Ready pods with {string.Join(",", selector.Select(s => $"{s.Key}={s.Value}"))}");
    }

    public ValueTask DisposeAsync()
    {
        foreach (var l in _listeners.Values) l.Dispose();
        _listeners.Clear();
        return ValueTask.CompletedTask;
    }

    private sealed record Route(string Namespace, IReadOnlyDictionary<string, string> Selector, int? TargetPort, string? TargetPortName);

    private sealed class Listener : IDisposable
    {
        private readonly RealPodKubelet _kubelet;
        private readonly TcpListener _tcp = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private long _next;

        public Listener(RealPodKubelet kubelet, Route route)
        {
            _kubelet = kubelet;
            Route = route;
            _tcp.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_tcp.LocalEndpoint).Port}");
            _ = Task.Run(AcceptAsync);
        }

        public Uri Url { get; }

        public volatile Route Route;

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _tcp.AcceptSocketAsync(_stop.Token);
                    _ = Task.Run(() => ForwardAsync(client));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task ForwardAsync(Socket client)
        {
            using var _ = client;
            var route = Route;
            var endpoints = _kubelet.ReadyEndpoints(route.Namespace, route.Selector);
            if (endpoints.Count == 0) return;
            var pod = endpoints[(int)((ulong)(Interlocked.Increment(ref _next) - 1) % (ulong)endpoints.Count)];
            var port = route.TargetPort ?? (route.TargetPortName is { } n && pod.Spec.NamedPorts.TryGetValue(n, out var p) ? p : pod.Spec.Port);
            using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(new IPEndPoint(pod.Address, port), _stop.Token);
                await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // One side broke: end both, as a reset would.
                from.Close();
                to.Close();
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _tcp.Stop();
        }
    }
}
