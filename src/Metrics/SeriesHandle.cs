using Prometheus;

namespace MlOperator.Metrics;

/// <summary>
/// One pre-bound prometheus-net child (instrument + tag set), cached so that recording into a known tag set is a
/// dictionary hit and an interlocked add: no label strings, no allocation.
/// </summary>
internal sealed class SeriesHandle(ChildBase? child)
{
    /// <summary>A handle that records nothing: the instrument's name clashed with a metric of another type.</summary>
    public static SeriesHandle Dead { get; } = new(null);

    private readonly ICounter? _counter = child as ICounter;
    private readonly IGauge? _gauge = child as IGauge;
    private readonly IHistogram? _histogram = child as IHistogram;

    /// <summary>The collection round in which an observable callback last reported this series.</summary>
    public int Seen;

    public void Increment(double delta) => _counter?.Inc(delta);

    public void IncrementTo(double total) => _counter?.IncTo(total);

    public void Add(double delta) => _gauge?.Inc(delta);

    public void Set(double value) => _gauge?.Set(value);

    public void Observe(double value) => _histogram?.Observe(value);

    public void Remove() => child?.Remove();
}
