using Microsoft.Extensions.Hosting;

namespace MlOperator.Metrics;

/// <summary>Resolving the exporter at start makes its listener run before the first measurement, not the first scrape.</summary>
internal sealed class PrometheusExporterActivator(PrometheusExporter exporter) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(exporter);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
