using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MlOperator.Metrics;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Analysis;

public sealed class PodMetricsProviderTests : IAsyncLifetime
{
    private const string Ns = "risk";
    private const string Md = "fraud";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeKubeClient _client;
    private readonly CapturingLogger _log = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _hangUntilDisposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _informerRun = Task.CompletedTask;
    private Informer<V1Pod> _informer = null!;
    private FakePodServers _servers = null!;

    public PodMetricsProviderTests() => _client = new FakeKubeClient(_time);

    public async Task InitializeAsync() => _servers = await FakePodServers.StartAsync(8);

    public async Task DisposeAsync()
    {
        _hangUntilDisposed.TrySetResult();
        await _stop.CancelAsync();
        await _informerRun;
        await _servers.DisposeAsync();
    }

    [Fact]
    public async Task Samples_every_ready_pod_of_the_revision_with_counters_parsed_from_sidecar_text()
    {
        var text = SidecarText(ok: 97, errors: 3, fastSeconds: 0.004, slowSeconds: 0.3, slow: 2);
        _servers.ServeText(_servers.Ports[0], text);
        _servers.ServeText(_servers.Ports[1], SidecarText(ok: 10, errors: 0, fastSeconds: 0.002, slowSeconds: 0.002, slow: 0));
        var a = Seed(Pod("fraud-v2-a", "v2", _servers.Ports[0]));
        var b = Seed(Pod("fraud-v2-b", "v2", _servers.Ports[1]));
        Seed(Pod("fraud-v2-unready", "v2", _servers.Ports[2], ready: false));
        Seed(Pod("fraud-v2-no-ip", "v2", _servers.Ports[3], ip: null));
        Seed(Pod("fraud-v1-a", "v1", _servers.Ports[4]));
        Seed(Pod("other-v2-a", "v2", _servers.Ports[5], modelDeployment: "other"));
        using var provider = await StartAsync();

        var scrape = await provider.ScrapeAsync(Ns, Md, "v2", CancellationToken.None);

        Assert.Equal(2, scrape.ReadyPods);
        Assert.Empty(scrape.Unreachable);
        Assert.Equal([$"fraud-v2-a/{a.Metadata.Uid}", $"fraud-v2-b/{b.Metadata.Uid}"], scrape.Pods.Select(p => p.Pod));
        Assert.All(scrape.Pods, p => Assert.Equal(_time.GetUtcNow(), p.At));
        Assert.Equal(_time.GetUtcNow(), scrape.At);
        var counters = scrape.Pods[0].Counters;
        Assert.Equal(100, counters.Requests);
        Assert.Equal(3, counters.Errors);
        Assert.Equal(100, counters.Latency.Count);
        // 98 fast in (0.0025, 0.005], 2 slow in (0.25, 0.5]: rank 97 lies in the fast bucket, rank 99 in the slow one.
        Assert.InRange(counters.Latency.Quantile(0.97), 0.0025, 0.005);
        Assert.InRange(counters.Latency.Quantile(0.99), 0.25, 0.5);
        Assert.Equal(10, scrape.Pods[1].Counters.Requests);
        foreach (var port in _servers.Ports.Skip(2))
        {
            Assert.Equal(0, _servers.RequestsTo(port));
        }
    }

    [Fact]
    public async Task A_window_between_two_scrapes_counts_what_the_pods_served_in_between()
    {
        _servers.ServeText(_servers.Ports[0], SidecarText(ok: 50, errors: 0, fastSeconds: 0.004, slowSeconds: 0.004, slow: 0));
        Seed(Pod("fraud-v2-a", "v2", _servers.Ports[0]));
        using var provider = await StartAsync();
        var first = await provider.ScrapeAsync(Ns, Md, "v2", CancellationToken.None);

        _servers.ServeText(_servers.Ports[0], SidecarText(ok: 140, errors: 10, fastSeconds: 0.004, slowSeconds: 0.004, slow: 0));
        _time.Advance(TimeSpan.FromSeconds(30));
        var second = await provider.ScrapeAsync(Ns, Md, "v2", CancellationToken.None);
        var window = RevisionWindow.Between(first.Pods, second.Pods);

        Assert.Equal(100, window.Requests);
        Assert.Equal(10, window.Errors);
        Assert.Equal(1, window.Pods);
        Assert.Equal(TimeSpan.FromSeconds(30), second.At - first.At);
    }

    [Fact]
    public async Task Broken_pods_are_left_out_listed_and_logged_once_until_they_answer_again()
    {
        var healthy = _servers.Ports[0];
        var failing = _servers.Ports[1];
        var garbage = _servers.Ports[2];
        var hanging = _servers.Ports[3];
        _servers.ServeText(healthy, SidecarText(ok: 5, errors: 0, fastSeconds: 0.004, slowSeconds: 0.004, slow: 0));
        _servers.ServeText(failing, "oops", status: 500);
        _servers.ServeText(garbage, "<html>not metrics</html>");
        _servers.Serve(hanging, _ => _hangUntilDisposed.Task);
        var healthyPod = Seed(Pod("fraud-v2-healthy", "v2", healthy));
        var failingPod = Seed(Pod("fraud-v2-failing", "v2", failing));
        Seed(Pod("fraud-v2-garbage", "v2", garbage));
        Seed(Pod("fraud-v2-refusing", "v2", ClosedPort()));
        // Alone in its revision, so moving fake time past the timeout can only time out this pod.
        Seed(Pod("fraud-v3-hanging", "v3", hanging));
        using var provider = await StartAsync();

        for (var round = 1; round <= 2; round++)
        {
            var scrape = await provider.ScrapeAsync(Ns, Md, "v2", CancellationToken.None);
            var slow = await ScrapePastTimeoutAsync(provider, "v3", hanging, round);

            Assert.Equal(4, scrape.ReadyPods);
            Assert.Equal([PodMetricsProvider.PodId(healthyPod)], scrape.Pods.Select(p => p.Pod));
            Assert.Equal(["fraud-v2-failing", "fraud-v2-garbage", "fraud-v2-refusing"], scrape.Unreachable);
            Assert.Equal(1, slow.ReadyPods);
            Assert.Empty(slow.Pods);
            Assert.Equal(["fraud-v3-hanging"], slow.Unreachable);
        }

        var warnings = _log.Messages.Where(m => m.Level == LogLevel.Warning).Select(m => m.Message).ToList();
        Assert.True(warnings.Count == 4, string.Join("\n", warnings));
        Assert.Contains(warnings, w => w.Contains("risk/fraud-v2-failing", StringComparison.Ordinal) && w.Contains("HTTP 500", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("risk/fraud-v2-garbage", StringComparison.Ordinal) && w.Contains("not Prometheus text", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("risk/fraud-v3-hanging", StringComparison.Ordinal) && w.Contains("no answer within 2s", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("risk/fraud-v2-refusing", StringComparison.Ordinal));

        _servers.ServeText(failing, SidecarText(ok: 1, errors: 0, fastSeconds: 0.004, slowSeconds: 0.004, slow: 0));
        var recovered = await provider.ScrapeAsync(Ns, Md, "v2", CancellationToken.None);

        Assert.Contains(PodMetricsProvider.PodId(failingPod), recovered.Pods.Select(p => p.Pod));
        Assert.Equal(["fraud-v2-garbage", "fraud-v2-refusing"], recovered.Unreachable);
        Assert.Single(_log.Messages, m => m.Level == LogLevel.Information && m.Message.Contains("risk/fraud-v2-failing answers", StringComparison.Ordinal));
        Assert.Equal(4, _log.Messages.Count(m => m.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task A_replaced_pod_under_the_same_name_is_a_new_pod_and_warned_about_again()
    {
        _servers.ServeText(_servers.Ports[0], "oops", status: 503);
        var first = Seed(Pod("fraud-v2-a", "v2", _servers.Ports[0]));
        using var provider = await StartAsync();
        await provider.ScrapeAsync(Ns, Md, "v2", CancellationToken.None);

        await _client.DeleteAsync<V1Pod>(first.Metadata.Name!, Ns);
        var replacement = await _client.CreateAsync(Pod("fraud-v2-a", "v2", _servers.Ports[0]));
        Assert.NotEqual(first.Metadata.Uid, replacement.Metadata.Uid);
        await Eventually.TrueAsync(() => _informer.Get(Ns, "fraud-v2-a")?.Metadata.Uid == replacement.Metadata.Uid, "replacement cached");
        var scrape = await provider.ScrapeAsync(Ns, Md, "v2", CancellationToken.None);

        Assert.Equal(["fraud-v2-a"], scrape.Unreachable);
        Assert.Equal(2, _log.Messages.Count(m => m.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task Scrapes_in_flight_never_exceed_the_bound_across_concurrent_calls()
    {
        var release = new SemaphoreSlim(0);
        var text = SidecarText(ok: 1, errors: 0, fastSeconds: 0.004, slowSeconds: 0.004, slow: 0);
        for (var i = 0; i < 8; i++)
        {
            var port = _servers.Ports[i];
            _servers.Serve(port, async context =>
            {
                await release.WaitAsync(context.RequestAborted);
                await context.Response.WriteAsync(text, context.RequestAborted);
            });
            Seed(Pod($"fraud-{(i < 4 ? "v1" : "v2")}-{i}", i < 4 ? "v1" : "v2", port));
        }

        using var provider = await StartAsync(new PodMetricsOptions { Timeout = Timeout, MaxConcurrency = 3 });
        var stable = provider.ScrapeAsync(Ns, Md, "v1", CancellationToken.None);
        var canary = provider.ScrapeAsync(Ns, Md, "v2", CancellationToken.None);
        await Eventually.TrueAsync(() => _servers.InFlight == 3, "three scrapes held at the pods");

        release.Release(8);
        var scrapes = await Task.WhenAll(stable, canary);

        Assert.Equal(3, _servers.MaxInFlight);
        Assert.All(scrapes, s => Assert.Equal(4, s.Pods.Count));
        Assert.All(scrapes, s => Assert.Empty(s.Unreachable));
    }

    [Fact]
    public async Task Cancellation_by_the_caller_throws_instead_of_blaming_the_pod()
    {
        _servers.Serve(_servers.Ports[0], _ => _hangUntilDisposed.Task);
        Seed(Pod("fraud-v2-a", "v2", _servers.Ports[0]));
        using var provider = await StartAsync();
        using var cancel = new CancellationTokenSource();

        var scrape = provider.ScrapeAsync(Ns, Md, "v2", cancel.Token);
        await Eventually.TrueAsync(() => _servers.RequestsTo(_servers.Ports[0]) == 1, "request sent");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scrape);
        Assert.DoesNotContain(_log.Messages, m => m.Level == LogLevel.Warning);
    }

    [Theory]
    [InlineData("http", 9090, "http://10.1.2.3:9090/metrics")]
    [InlineData("metrics", 9091, "http://10.1.2.3:9091/metrics")]
    [InlineData(null, null, "http://10.1.2.3:8080/metrics")]
    public void Finds_the_sidecar_port_by_name_then_first_then_the_default(string? portName, int? port, string expected)
    {
        var pod = Pod("p", "v2", 1);
        pod.Status.PodIP = "10.1.2.3";
        pod.Spec.Containers[0].Ports = port is null ? null : [new V1ContainerPort { Name = portName, ContainerPort = port.Value }];

        Assert.Equal(expected, PodMetricsProvider.MetricsUri(pod).ToString());
    }

    [Fact]
    public void Brackets_IPv6_pod_addresses()
    {
        var pod = Pod("p", "v2", 8080);
        pod.Status.PodIP = "fd00::1";

        Assert.Equal("http://[fd00::1]:8080/metrics", PodMetricsProvider.MetricsUri(pod).ToString());
    }

    /// <summary>Scrapes while the hanging pod holds its request, then moves fake time past the timeout.</summary>
    private async Task<RevisionScrape> ScrapePastTimeoutAsync(PodMetricsProvider provider, string revision, int hangingPort, int round)
    {
        var scrape = provider.ScrapeAsync(Ns, Md, revision, CancellationToken.None);
        await Eventually.TrueAsync(() => _servers.RequestsTo(hangingPort) == round, $"hanging pod asked, round {round}");
        _time.Advance(Timeout);
        return await scrape;
    }

    private async Task<PodMetricsProvider> StartAsync(PodMetricsOptions? options = null)
    {
        _informer = new Informer<V1Pod>(_client, new InformerOptions { LabelSelector = PodEvents.Selector }, _time, NullLogger.Instance);
        _informerRun = _informer.RunAsync(_stop.Token);
        await _informer.WaitForSyncAsync(CancellationToken.None);
        return new PodMetricsProvider(_informer, options ?? new PodMetricsOptions { Timeout = Timeout }, _time, new Logger<PodMetricsProvider>(_log));
    }

    private V1Pod Seed(V1Pod pod) => _client.Seed(pod);

    private static V1Pod Pod(string name, string revision, int port, bool ready = true, string? ip = "127.0.0.1", string modelDeployment = Md) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Ns,
            Labels = new Dictionary<string, string>
            {
                [ModelDeploymentLabels.ManagedBy] = ModelDeploymentLabels.ManagedByValue,
                [ModelDeploymentLabels.ModelDeploymentLabel] = modelDeployment,
                [ModelDeploymentLabels.Revision] = revision,
            },
        },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = SidecarContract.ContainerName,
                    Ports = [new V1ContainerPort { Name = SidecarContract.PortName, ContainerPort = port }],
                },
            ],
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = ip,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// /metrics as the sidecar writes it: its instruments (names, labels, unit) through the same exporter
    /// (src/Metrics' bridge to prometheus-net), with the process metrics beside them.
    /// </summary>
    private static string SidecarText(int ok, int errors, double fastSeconds, double slowSeconds, int slow)
    {
        using var meter = new Meter("MlOperator.Inference.Sidecar");
        var registry = Prometheus.Metrics.NewCustomRegistry();
        using var bridge = new PrometheusMeterBridge(registry, m => ReferenceEquals(m, meter));
        var requests = meter.CreateCounter<long>("inference_requests_total", null, "Inference requests by model, version and HTTP status code.");
        var duration = meter.CreateHistogram("inference_request_duration_seconds", "s", "Time from receiving an inference request to the end of its response.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        ProcessMetrics.Register(meter);
        var model = new KeyValuePair<string, object?>("model", "fraud");
        var version = new KeyValuePair<string, object?>("version", "2");
        for (var i = 0; i < ok + errors; i++)
        {
            requests.Add(1, model, version, new KeyValuePair<string, object?>("code", i < ok ? "200" : "500"));
            duration.Record(i < ok + errors - slow ? fastSeconds : slowSeconds, model, version);
        }

        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
