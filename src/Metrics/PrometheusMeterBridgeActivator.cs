using Microsoft.Extensions.Hosting;

namespace MlOperator.Metrics;

/// <summary>Resolving the bridge at start makes its listener run before the first measurement, not the first scrape.</summary>
internal sealed class PrometheusMeterBridgeActivator(PrometheusMeterBridge bridge) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(bridge);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
