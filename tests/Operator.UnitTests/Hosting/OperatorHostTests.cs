using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Hosting;
using MlOperator.Operator.Kube.Client;
using k8s.Models;
using Serilog.Events;

namespace MlOperator.Operator.UnitTests.Hosting;

public sealed class OperatorHostTests
{
    private static readonly OperatorOptions Options = new() { MetricsAddress = new ListenAddress("127.0.0.1", 0) };

    [Fact]
    public async Task Healthz_answers_ok_and_readyz_follows_the_readiness_checks()
    {
        var synced = false;
        await using var app = OperatorHost.Build(Options, Silent(),
            (services, _) => services.AddSingleton(new ReadinessCheck("caches", () => synced)));
        await app.StartAsync(Timeout());
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var healthz = await client.GetAsync("/healthz", Timeout());
        using var notReady = await client.GetAsync("/readyz", Timeout());
        var notReadyBody = await notReady.Content.ReadAsStringAsync(Timeout());
        synced = true;
        using var ready = await client.GetAsync("/readyz", Timeout());

        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal("ok", await healthz.Content.ReadAsStringAsync(Timeout()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("[+]shutdown ok\n[-]caches failed\nreadyz check failed\n", notReadyBody);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ok", await ready.Content.ReadAsStringAsync(Timeout()));
        Assert.All(new[] { healthz, notReady, ready }, r => Assert.Equal("text/plain; charset=utf-8", r.Content.Headers.ContentType?.ToString()));
        await app.StopAsync(Timeout());
    }

    [Fact]
    public async Task A_health_address_adds_a_second_listener_that_answers_the_probes()
    {
        await using var app = OperatorHost.Build(Options with { HealthAddress = new ListenAddress("127.0.0.1", 0) }, Silent(), (_, _) => { });
        await app.StartAsync(Timeout());

        Assert.Equal(2, app.Urls.Count);
        foreach (var url in app.Urls)
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            using var healthz = await client.GetAsync("/healthz", Timeout());
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        }

        await app.StopAsync(Timeout());
    }

    [Fact]
    public async Task Metrics_serves_operator_and_process_series_in_prometheus_format()
    {
        await using var app = OperatorHost.Build(Options, Silent(), (_, _) => { });
        await app.StartAsync(Timeout());
        app.Services.GetRequiredService<IMeterFactory>().Create(OperatorHost.MeterName)
            .CreateCounter<long>("mloperator_reconcile_total").Add(2, new KeyValuePair<string, object?>("controller", "modeldeployment"));
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var response = await client.GetAsync("/metrics", Timeout());
        var body = await response.Content.ReadAsStringAsync(Timeout());

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("mloperator_reconcile_total{controller=\"modeldeployment\"} 2\n", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_cpu_seconds_total counter\n", body, StringComparison.Ordinal);
        Assert.Contains("\nprocess_resident_memory_bytes ", body, StringComparison.Ordinal);
        Assert.Contains("\ndotnet_gc_heap_bytes ", body, StringComparison.Ordinal);
        await app.StopAsync(Timeout());
    }

    [Fact]
    public async Task Host_loggers_write_scope_keys_into_every_json_line()
    {
        var output = new StringWriter();
        await using var app = OperatorHost.Build(Options, OperatorLogging.Create(LogFormat.Json, LogEventLevel.Debug, output), (_, _) => { });
        var controller = app.Services.GetRequiredService<ILogger<OperatorHostTests>>();
        var reconciler = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Reconciler");

        // The controller opens the scope; the reconciler's own logger must carry it too.
        using (controller.BeginScope(new Dictionary<string, object> { ["resource"] = "risk/fraud", ["reconcileId"] = "7f3a" }))
        {
            controller.LogDebug("Reconcile started");
            reconciler.LogInformation("Applied the Deployment");
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([typeof(OperatorHostTests).FullName, "Reconciler"], lines.Select(l => l.GetProperty("logger").GetString()));
        Assert.All(lines, line =>
        {
            Assert.Equal("risk/fraud", line.GetProperty("resource").GetString());
            Assert.Equal("7f3a", line.GetProperty("reconcileId").GetString());
        });
    }

    [Theory]
    [MemberData(nameof(KnownFailures))]
    public async Task A_known_startup_failure_is_one_log_line_and_an_exit_code(Exception failure, int exitCode, string expected)
    {
        var output = new StringWriter();

        var code = await OperatorHost.RunAsync(Options, (services, _) => services.AddSingleton<IStartupCheck>(new FailingCheck(failure)),
            output, Timeout());

        Assert.Equal(exitCode, code);
        var line = JsonDocument.Parse(Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal("fatal", line.GetProperty("level").GetString());
        Assert.Contains(expected, line.GetProperty("msg").GetString(), StringComparison.Ordinal);
        Assert.False(line.TryGetProperty("exception", out _));
    }

    public static TheoryData<Exception, int, string> KnownFailures() => new()
    {
        { new UnauthorizedException(new V1Status { Message = "Unauthorized" }), ExitCodes.AccessDenied, "rejected the operator's credentials (401 Unauthorized)" },
        { new ForbiddenException(new V1Status { Message = "leases is forbidden" }), ExitCodes.AccessDenied, "denied access (403 Forbidden): leases is forbidden" },
        {
            new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:6443)", new SocketException((int)SocketError.ConnectionRefused)),
            ExitCodes.Unreachable, "Cannot reach the Kubernetes API server: connection failed"
        },
        { new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 10 seconds elapsing.", new TimeoutException()), ExitCodes.Unreachable, "did not answer in time" },
    };

    [Fact]
    public async Task An_unknown_failure_is_logged_with_its_exception_and_exits_1()
    {
        var output = new StringWriter();

        var code = await OperatorHost.RunAsync(Options,
            (services, _) => services.AddSingleton<IStartupCheck>(new FailingCheck(new InvalidOperationException("bug"))), output, Timeout());

        Assert.Equal(ExitCodes.Failure, code);
        var line = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Contains("InvalidOperationException", line.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_background_service_failing_with_a_known_cause_stops_the_host_with_one_clear_line(bool afterStart)
    {
        var output = new StringWriter();

        var code = await OperatorHost.RunAsync(Options,
            (services, _) => services.AddHostedService(provider => new FailingService(
                new ForbiddenException(new V1Status { Message = "watch denied" }),
                afterStart ? provider.GetRequiredService<IHostApplicationLifetime>() : null)),
            output, Timeout());

        Assert.True(code == ExitCodes.AccessDenied, output.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
        var fatal = JsonDocument.Parse(Assert.Single(lines, l => !l.Contains("\"level\":\"info\"", StringComparison.Ordinal))).RootElement;
        Assert.Contains("403 Forbidden): watch denied", fatal.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metrics_port_in_use_is_a_configuration_error()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var output = new StringWriter();

        var code = await OperatorHost.RunAsync(Options with { MetricsAddress = new ListenAddress("127.0.0.1", port) }, (_, _) => { },
            output, Timeout());

        Assert.Equal(ExitCodes.ConfigurationError, code);
        var line = JsonDocument.Parse(Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Contains("Cannot serve /metrics", line.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_stops_the_host_cleanly()
    {
        var started = new TaskCompletionSource();
        using var cancellation = new CancellationTokenSource();

        var run = OperatorHost.RunAsync(Options, (services, _) => services.AddHostedService(_ => new SignallingService(started)),
            new StringWriter(), cancellation.Token);
        await started.Task.WaitAsync(Timeout());
        await cancellation.CancelAsync();

        Assert.Equal(ExitCodes.Success, await run.WaitAsync(Timeout()));
    }

    private static Serilog.ILogger Silent() => OperatorLogging.Create(LogFormat.Json, LogEventLevel.Fatal, TextWriter.Null);

    /// <summary>A guard against hangs, not a timing assertion.</summary>
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private sealed class FailingCheck(Exception failure) : IStartupCheck
    {
        public Task CheckAsync(CancellationToken cancellationToken) => Task.FromException(failure);
    }

    private sealed class FailingService(Exception failure, IHostApplicationLifetime? waitForStart) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            if (waitForStart is not null)
            {
                var started = new TaskCompletionSource();
                using var registration = waitForStart.ApplicationStarted.Register(() => started.TrySetResult());
                await started.Task;
            }

            throw failure;
        }
    }

    private sealed class SignallingService(TaskCompletionSource started) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            started.TrySetResult();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
