using System.Diagnostics;
using System.Diagnostics.Metrics;
using MlOperator.Inference.Sidecar.Metrics;
using Xunit.Abstractions;
using static MlOperator.Metrics.Tests.TestMeters;

namespace MlOperator.Metrics.Tests;

public sealed class HotPathTests(ITestOutputHelper output)
{
    [Fact]
    public void Recording_into_a_known_tag_set_allocates_nothing()
    {
        using var meter = Create();
        using var exporter = new TestExporter(meter.Name);
        var histogram = meter.CreateHistogram<double>("latency", "s");
        var model = Tag("model", "mlp");
        var code = Tag("code", "200");
        const int iterations = 1_000_000;
        for (var i = 0; i < 10_000; i++)
        {
            histogram.Record(0.01, model, code);
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        // CPU time as well as wall time: on a shared, overloaded machine only the former means anything.
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            histogram.Record(0.01, model, code);
        }

        stopwatch.Stop();
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // Reported, not asserted: wall-clock numbers depend on the machine.
        output.WriteLine($"Histogram.Record with 2 tags: {stopwatch.Elapsed.TotalNanoseconds / iterations:F1} ns/op wall, "
            + $"{cpu.TotalNanoseconds / iterations:F1} ns/op process CPU, {allocated} bytes allocated in total");
        Assert.True(allocated < 1024, $"hot path allocated {allocated} bytes over {iterations} records");
        Assert.Contains($"latency_count{{code=\"200\",model=\"mlp\"}} {iterations + 10_000}\n", exporter.Collect());
    }

    [Fact]
    public void Sidecar_request_recording_allocates_nothing_once_its_series_exist()
    {
        using var factory = new MeterFactory();
        using var exporter = new TestExporter(SidecarMetrics.MeterName);
        var metrics = new SidecarMetrics(factory);
        const int iterations = 200_000;
        for (var i = 0; i < 1_000; i++)
        {
            metrics.RequestCompleted("mlp", "1", 200, 0.002);
            metrics.BatchRun(4);
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterations; i++)
        {
            metrics.RequestCompleted("mlp", "1", 200, 0.002);
            metrics.BatchRun(4);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.True(allocated < 1024, $"sidecar recording allocated {allocated} bytes over {iterations} requests");
        Assert.Contains($"inference_requests_total{{code=\"200\",model=\"mlp\",version=\"1\"}} {iterations + 1_000}\n", exporter.Collect());
    }

    /// <summary>Meters with a scope of their own, as a host's factory makes them; only this test's bridge sees them.</summary>
    private sealed class MeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(meter => meter.Dispose());
    }
}
