using System.Diagnostics.Metrics;

namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>An <see cref="IMeterFactory"/> for tests that build the sidecar's parts without a host.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        meters.Add(meter);
        return meter;
    }

    public void Dispose() => meters.ForEach(m => m.Dispose());
}
