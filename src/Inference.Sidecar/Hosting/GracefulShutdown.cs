using MlOperator.Inference.Sidecar.Endpoints;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Options;

namespace MlOperator.Inference.Sidecar.Hosting;

/// <summary>
/// On stop, before Kestrel closes its listener: starts the drain (<see cref="ShutdownDrain"/>) and keeps serving for
/// <see cref="SidecarOptions.ShutdownDelay"/>. Kubernetes sends SIGTERM when it starts removing the pod from the
/// Service's endpoints, and every node's proxy learns that a little later; connections it still sends meanwhile are
/// served instead of refused. Then Kestrel stops accepting and lets requests in flight finish. A sidecar whose model
/// never went ready was never in the endpoints, so it stops at once (a model that fails to load exits without a delay).
/// </summary>
/// <remarks>
/// A lifecycle service's StoppingAsync runs after ApplicationStopping and before any hosted service's StopAsync, the
/// web server's included. The delay counts against the host's shutdown timeout, which SidecarApp sets to the delay
/// plus the time in-flight requests get.
/// </remarks>
public sealed partial class GracefulShutdown(ShutdownDrain drain, ModelHost model, SidecarOptions options, TimeProvider time, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        drain.Begin();
        if (options.ShutdownDelay <= TimeSpan.Zero || !model.IsReady)
        {
            return;
        }

        Draining(options.ShutdownDelay.TotalSeconds);
        try
        {
            await Task.Delay(options.ShutdownDelay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out first: stop now.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping: not ready, still serving for {DelaySeconds} s while the pod leaves the Service, then finishing requests in flight")]
    private partial void Draining(double delaySeconds);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
