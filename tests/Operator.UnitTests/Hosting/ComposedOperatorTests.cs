using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Hosting;
using MlOperator.Operator.Runtime.Hosting;
using Serilog.Events;

namespace MlOperator.Operator.UnitTests.Hosting;

/// <summary>
/// The real composition root (<see cref="Program.ConfigureOperator"/>) against a stub API server that refuses, over real
/// HTTP. The happy path runs against the emulator in Operator.IntegrationTests/Hosting.
/// </summary>
public sealed class ComposedOperatorTests : IAsyncLifetime
{
    private WebApplication? _server;
    private int _status = StatusCodes.Status200OK;
    private string _body = "";
    private string _kubeconfig = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.Run(async context =>
        {
            context.Response.StatusCode = _status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(_body, context.RequestAborted);
        });
        await _server.StartAsync();
        _kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(_kubeconfig, $$$"""
            apiVersion: v1
            kind: Config
            clusters: [{"name": "stub", "cluster": {"server": "{{{_server.Urls.First()}}}"}}]
            users: [{"name": "dev", "user": {"token": "t"}}]
            contexts: [{"name": "stub", "context": {"cluster": "stub", "user": "dev"}}]
            current-context: stub
            """);
    }

    public async Task DisposeAsync()
    {
        File.Delete(_kubeconfig);
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(401, "Unauthorized", ExitCodes.AccessDenied, "rejected the operator's credentials (401 Unauthorized): nope")]
    [InlineData(403, "Forbidden", ExitCodes.AccessDenied, "denied access (403 Forbidden): nope")]
    [InlineData(404, "NotFound", ExitCodes.ConfigurationError, "does not serve modeldeployments.serving.mloperator.io/v1alpha1: install the chart (helm install ml-operator charts/ml-operator)")]
    public async Task A_server_refusing_the_startup_list_ends_in_one_line(int status, string reason, int exitCode, string expected)
    {
        _status = status;
        _body = $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"nope","reason":"{{reason}}","code":{{status}}}""";
        var output = new StringWriter();

        var code = await RunAsync(output, CancellationToken.None);

        Assert.Equal(exitCode, code);
        var line = JsonDocument.Parse(Assert.Single(Lines(output))).RootElement;
        Assert.Equal("fatal", line.GetProperty("level").GetString());
        Assert.Contains(expected, line.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_kubeconfig_ends_in_one_line_naming_the_file()
    {
        await File.WriteAllTextAsync(_kubeconfig, "clusters: [oops\n");
        var output = new StringWriter();

        var code = await RunAsync(output, CancellationToken.None);

        Assert.Equal(ExitCodes.ConfigurationError, code);
        var message = JsonDocument.Parse(Assert.Single(Lines(output))).RootElement.GetProperty("msg").GetString();
        Assert.StartsWith($"Cannot use the Kubernetes configuration: {_kubeconfig}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Composes_one_pod_metrics_provider_on_the_pod_informer_with_the_scrape_settings_and_the_rollout_metrics()
    {
        var options = new OperatorOptions
        {
            KubeconfigPath = _kubeconfig,
            MetricsAddress = new ListenAddress("127.0.0.1", 0),
            PodMetrics = new PodMetricsOptions { Timeout = TimeSpan.FromSeconds(5), MaxConcurrency = 4 },
        };
        await using var app = OperatorHost.Build(options, OperatorLogging.Create(LogFormat.Json, LogEventLevel.Fatal, TextWriter.Null), Program.ConfigureOperator);

        var metrics = app.Services.GetRequiredService<IRevisionMetrics>();

        Assert.Same(app.Services.GetRequiredService<PodMetricsProvider>(), metrics);
        Assert.NotNull(app.Services.GetRequiredService<RolloutMetrics>());
        var pods = Assert.Single(app.Services.GetRequiredService<ControllerManager>().Informers.Informers, i => i.ObjectType == typeof(V1Pod));
        Assert.Equal(PodEvents.Selector, pods.Options.LabelSelector);
    }

    private Task<int> RunAsync(StringWriter output, CancellationToken cancellationToken) =>
        OperatorHost.RunAsync(
            new OperatorOptions { KubeconfigPath = _kubeconfig, MetricsAddress = new ListenAddress("127.0.0.1", 0) },
            Program.ConfigureOperator, output, cancellationToken);

    private static string[] Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
