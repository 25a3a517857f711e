using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOperator.Inference.Sidecar.Metrics;
using MlOperator.Operator.Hosting;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Runtime.Controller;
using MlOperator.Operator.Runtime.Hosting;
using MlOperator.Operator.Runtime.Queue;
using Serilog.Events;

namespace MlOperator.Metrics.Tests;

/// <summary>
/// /metrics of both processes, scraped over HTTP after recording through their real instruments: valid exposition,
/// and — lines sorted, process_* and dotnet_* values masked — the same page as the golden copy in Pages/, which was
/// captured from the hand-written exporter before prometheus-net took over. Names, HELP texts, labels, bucket
/// layouts and values are a user contract (dashboards, the rollout analysis).
/// </summary>
public sealed class ProcessPagesTests
{
    [Fact]
    public async Task Operator_page_is_valid_and_shows_the_names_help_labels_and_buckets_users_know()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var options = new OperatorOptions { MetricsAddress = new ListenAddress("127.0.0.1", 0) };
        await using var app = OperatorHost.Build(options, OperatorLogging.Create(LogFormat.Json, LogEventLevel.Fatal, TextWriter.Null), (_, _) => { });
        await app.StartAsync(timeout.Token);
        var meter = app.Services.GetRequiredService<IMeterFactory>().Create(OperatorHost.MeterName);
        var kube = new KubeClientMetrics(meter);
        kube.Record("get", "deployments", "200", TimeSpan.FromMilliseconds(30));
        kube.Record("list", "pods", "error", TimeSpan.FromSeconds(3));
        ControllerMetrics.Record("modeldeployment", "success", TimeSpan.FromMilliseconds(20));
        ControllerMetrics.Record("modeldeployment", "error", TimeSpan.FromSeconds(1.5));
        var queue = new WorkQueueMetrics("modeldeployment");
        queue.Added();
        queue.Added();
        queue.DepthChanged(2);
        queue.DepthChanged(-1);
        queue.Waited(TimeSpan.FromMilliseconds(7));
        queue.Worked(TimeSpan.FromMilliseconds(40));
        queue.Retried();
        OperatorStatusMetrics.Register(meter, new LeaderHealth(), "mloperator-leader");

        var page = await ScrapeAsync(app, timeout.Token);

        ExpositionChecker.Check(page[(page.IndexOf('\n') + 1)..]);
        Assert.Equal(Golden("operator.txt"), Canonical(page));
        await app.StopAsync(timeout.Token);
    }

    [Fact]
    public async Task Sidecar_page_is_valid_and_shows_the_names_help_labels_and_buckets_users_know()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // The sidecar's metrics wiring (SidecarApp) without a model; Inference.Sidecar.Tests scrape the real sidecar.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<SidecarMetrics>();
        builder.Services.AddPrometheusMetrics(SidecarMetrics.MeterName);
        await using var app = builder.Build();
        app.MapPrometheusMetrics("/metrics");
        await app.StartAsync(timeout.Token);
        var metrics = app.Services.GetRequiredService<SidecarMetrics>();
        metrics.RequestCompleted("mlp", "5", 200, 0.0042);
        metrics.RequestCompleted("mlp", "5", 200, 0.0009);
        metrics.RequestCompleted("mlp", "5", 400, 0.0001);
        metrics.BatchRun(3);
        metrics.QueueChanged(1);
        metrics.InflightChanged(2);
        metrics.ModelLoaded("mlp", "5", "abc123", TimeSpan.FromSeconds(1.25));

        var page = await ScrapeAsync(app, timeout.Token);

        ExpositionChecker.Check(page[(page.IndexOf('\n') + 1)..]);
        Assert.Equal(Golden("sidecar.txt"), Canonical(page));
        await app.StopAsync(timeout.Token);
    }

    /// <summary>The Content-Type header as a first line, then the body.</summary>
    private static async Task<string> ScrapeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var response = await client.GetAsync("/metrics", cancellationToken);
        response.EnsureSuccessStatusCode();
        return $"Content-Type: {response.Content.Headers.ContentType}\n{await response.Content.ReadAsStringAsync(cancellationToken)}";
    }

    private static string Canonical(string page) =>
        string.Join('\n', page.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.StartsWith("process_", StringComparison.Ordinal) || line.StartsWith("dotnet_", StringComparison.Ordinal)
                ? line[..line.LastIndexOf(' ')] + " <value>"
                : line)
            .Order(StringComparer.Ordinal)) + "\n";

    private static string Golden(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Pages", name));

    private sealed class LeaderHealth : IManagerHealth
    {
        public bool CachesSynced => true;

        public bool IsLeader => true;

        public bool IsRunning => true;
    }
}
