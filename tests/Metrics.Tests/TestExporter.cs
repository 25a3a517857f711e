using System.Diagnostics.Metrics;
using System.Text;
using Prometheus;

namespace MlOperator.Metrics.Tests;

/// <summary>A registry of its own with a bridge for the named meters, scraped as /metrics would serve it.</summary>
public sealed class TestExporter : IDisposable
{
    private readonly PrometheusMeterBridge _bridge;

    public TestExporter(params string[] meterNames)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        _bridge = new PrometheusMeterBridge(Registry, meterNames);
    }

    public TestExporter(string[] meterNames, int maxSeriesPerInstrument)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var names = meterNames.ToHashSet(StringComparer.Ordinal);
        _bridge = new PrometheusMeterBridge(Registry, (Meter meter) => names.Contains(meter.Name), maxSeriesPerInstrument);
    }

    public CollectorRegistry Registry { get; }

    public string Collect()
    {
        using var stream = new MemoryStream();
        Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public void Dispose() => _bridge.Dispose();
}
