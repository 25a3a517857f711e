using Microsoft.Extensions.Logging.Abstractions;
using MlOperator.Inference.Sidecar.Endpoints;
using MlOperator.Inference.Sidecar.Hosting;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Metrics;
using MlOperator.Inference.Sidecar.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MlOperator.Inference.Sidecar.Tests.Hosting;

/// <summary>
/// Asked to stop (SIGTERM when its pod is deleted), the sidecar keeps serving for its shutdown delay, not ready and
/// closing each connection after its response, because the cluster still routes new connections to it for a moment.
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task A_stopping_sidecar_serves_not_ready_and_closes_connections_until_its_shutdown_delay_has_passed()
    {
        var time = new FakeTimeProvider();
        await using var factory = new SidecarFactory("mlp", new Dictionary<string, string> { [SidecarOptions.ShutdownDelayKey] = "5s" }, time);
        using var client = await factory.ReadyClientAsync();
        using (var before = await client.GetAsync("/v2/health/ready"))
        {
            Assert.Equal(200, (int)before.StatusCode);
        }

        var stopped = factory.Host.StopAsync();
        Assert.True(factory.Services.GetRequiredService<ShutdownDrain>().Draining); // begun before StopAsync first yields

        using var ready = await client.GetAsync("/v2/health/ready");
        using var modelReady = await client.GetAsync("/v2/models/mlp/ready");
        using var infer = await client.PostAsync("/v2/models/mlp/infer", SidecarFactory.Json(SidecarFactory.ReferenceRequest("mlp")));
        time.Advance(TimeSpan.FromSeconds(4.9));
        var stoppedEarly = stopped.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(0.1));
        await stopped.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal((503, 503), ((int)ready.StatusCode, (int)modelReady.StatusCode));
        Assert.Contains("model 'mlp' is shutting down", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(200, (int)infer.StatusCode);
        Assert.True(infer.Headers.ConnectionClose, infer.Headers.ToString());
        Assert.False(stoppedEarly, "stopped before the shutdown delay");
    }

    [Fact]
    public async Task A_sidecar_whose_model_never_went_ready_stops_without_the_delay_and_a_ready_one_waits_for_it()
    {
        var time = new FakeTimeProvider();
        var options = new SidecarOptions { ModelPath = TestAssets.Model("mlp"), ShutdownDelay = TimeSpan.FromSeconds(5) };
        await using var model = new ModelHost(options, new SidecarMetrics(new TestMeterFactory()), time, new RecordingLogger());
        GracefulShutdown Shutdown(ShutdownDrain drain) => new(drain, model, options, time, NullLogger<GracefulShutdown>.Instance);
        var neverReady = new ShutdownDrain();
        var ready = new ShutdownDrain();

        var stopsAtOnce = Shutdown(neverReady).StoppingAsync(CancellationToken.None);
        model.Load();
        var waits = Shutdown(ready).StoppingAsync(CancellationToken.None);
        var finishedBeforeTheDelay = waits.IsCompleted;
        time.Advance(options.ShutdownDelay);
        await waits.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(stopsAtOnce.IsCompletedSuccessfully);
        Assert.False(finishedBeforeTheDelay);
        Assert.True(neverReady.Draining && ready.Draining);
    }

    [Fact]
    public async Task Without_a_stop_responses_keep_their_connection()
    {
        await using var factory = new SidecarFactory("mlp");
        using var client = await factory.ReadyClientAsync();
        using var infer = await client.PostAsync("/v2/models/mlp/infer", SidecarFactory.Json(SidecarFactory.ReferenceRequest("mlp")));

        Assert.Equal(200, (int)infer.StatusCode);
        Assert.NotEqual(true, infer.Headers.ConnectionClose);
        Assert.False(factory.Services.GetRequiredService<ShutdownDrain>().Draining);
    }

    [Theory]
    [InlineData(null, 5_000)]
    [InlineData("0", 0)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    public void The_shutdown_delay_defaults_to_five_seconds_and_reads_durations(string? value, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Options(value).ShutdownDelay);
    }

    [Theory]
    [InlineData("6m", "MLOP_SHUTDOWN_DELAY / --shutdown-delay must be at most 5m, got '6m'")]
    [InlineData("soon", "MLOP_SHUTDOWN_DELAY must be a duration like 2ms, 500us or 1s, got 'soon'")]
    public void A_shutdown_delay_that_is_not_a_duration_or_too_long_is_refused_naming_the_variable(string value, string message)
    {
        Assert.Equal(message, Assert.Throws<SidecarOptionsException>(() => Options(value)).Message);
    }

    private static SidecarOptions Options(string? shutdownDelay) => SidecarOptions.FromConfiguration(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [SidecarOptions.ModelPathKey] = "m.onnx", [SidecarOptions.ShutdownDelayKey] = shutdownDelay })
        .Build());
}
