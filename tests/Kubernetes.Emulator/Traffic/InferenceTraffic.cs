using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Traffic;

/// <summary>
/// Steady real inference traffic through a Service: a few workers each send a V2 infer request on a new connection
/// (Connection: close), as many independent clients would, so the Service's per-connection balancing spreads them by
/// pod count. Every answer is counted: 2xx per model version, and every other outcome (status or exception) as a failure.
/// Shared by the real-pod integration tests and the rollout benchmark, which also reads when each failure happened.
/// </summary>
public sealed class InferenceTraffic : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(30) };
    private long _failed;

    public InferenceTraffic(Uri service, string model, string body, int workers = 3, TimeSpan? pause = null)
    {
        var url = new Uri(service, $"/v2/models/{model}/infer");
        for (var i = 0; i < workers; i++)
        {
            _workers.Add(Task.Run(() => RunAsync(url, body, pause ?? TimeSpan.FromMilliseconds(5))));
        }
    }

    /// <summary>2xx answers per model_version.</summary>
    public ConcurrentDictionary<string, long> Succeeded { get; } = new();

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>When each failure was counted, as <see cref="Stopwatch.GetTimestamp"/> values, in the order counted.</summary>
    public ConcurrentQueue<long> FailedAt { get; } = new();

    /// <summary>The first failures, for the assertion message.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public long Total => Succeeded.Values.Sum() + Failed;

    private async Task RunAsync(Uri url, string body, TimeSpan pause)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.ConnectionClose = true;
                using var response = await _http.SendAsync(request, _stop.Token);
                var text = await response.Content.ReadAsStringAsync(_stop.Token);
                if (response.IsSuccessStatusCode)
                {
                    var version = (string?)JsonNode.Parse(text)?["model_version"] ?? "";
                    Succeeded.AddOrUpdate(version, 1, (_, n) => n + 1);
                }
                else
                {
                    Fail($"{(int)response.StatusCode}: {text[..Math.Min(text.Length, 200)]}");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Fail($"{e.GetType().Name}: {e.Message}");
            }

            try
            {
                await Task.Delay(pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Fail(string why)
    {
        FailedAt.Enqueue(Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _failed);
        if (Failures.Count < 20)
        {
            Failures.Enqueue(why);
        }
    }

    public string Describe() =>
        $"{Total} requests: " + string.Join(", ", Succeeded.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} ok from version {p.Key}"))
        + $", {Failed} failed" + (Failures.IsEmpty ? "" : ": " + string.Join(" | ", Failures));

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _http.Dispose();
        _stop.Dispose();
    }
}
