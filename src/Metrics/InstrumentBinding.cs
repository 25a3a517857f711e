using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace MlOperator.Metrics;

/// <summary>
/// One System.Diagnostics.Metrics instrument bound to prometheus-net metrics of the same name: a pre-bound child per
/// tag set seen, found without allocating. Label names are the tag keys sorted, so the exposition orders them as
/// before; a tag set with other keys becomes another collector of the same family (prometheus-net allows that).
/// </summary>
internal sealed class InstrumentBinding
{
    public const string OverflowLabel = "otel_metric_overflow";

    private static readonly KeyValuePair<string, object?>[] OverflowTags = [new(OverflowLabel, "true")];

    private readonly ConcurrentDictionary<TagKey, SeriesHandle> _series = new(TagKeyComparer.Instance);
    private readonly ConcurrentDictionary<TagKey, SeriesHandle>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly KeyValuePair<string, object?>[] _constantTags;
    private readonly IMetricFactory _factory;
    private readonly string _help;
    private readonly double[] _buckets;
    private readonly int _maxSeries;
    private SeriesHandle? _untagged;
    private SeriesHandle? _overflow;
    private int _seriesCount;

    public InstrumentBinding(Instrument instrument, InstrumentKind kind, string name, double[] buckets, IMetricFactory factory, int maxSeries)
    {
        Instrument = instrument;
        Kind = kind;
        Name = name;
        _buckets = buckets;
        _factory = factory;
        _maxSeries = maxSeries;
        _help = PrometheusNames.Help(instrument.Description);
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        // Meter- and instrument-level tags become labels on every series of the instrument.
        _constantTags = [.. instrument.Meter.Tags ?? [], .. instrument.Tags ?? []];
    }

    public Instrument Instrument { get; }

    public InstrumentKind Kind { get; }

    public string Name { get; }

    public bool IsObservable => Kind is InstrumentKind.ObservableCounter or InstrumentKind.ObservableGauge;

    /// <summary>The collection round under way; observable measurements mark their series with it.</summary>
    public int Round { get; set; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        switch (Kind)
        {
            case InstrumentKind.Counter:
                // A Prometheus counter never goes down: a negative (or NaN) delta is a caller bug, dropped.
                if (value >= 0)
                {
                    series.Increment(value);
                }

                break;
            case InstrumentKind.UpDownCounter:
                series.Add(value);
                break;
            case InstrumentKind.Gauge:
                series.Set(value);
                break;
            case InstrumentKind.ObservableCounter:
                series.Seen = Round;
                if (value >= 0)
                {
                    series.IncrementTo(value);
                }

                break;
            case InstrumentKind.ObservableGauge:
                series.Seen = Round;
                series.Set(value);
                break;
            default:
                if (!double.IsNaN(value))
                {
                    series.Observe(value);
                }

                break;
        }
    }

    /// <summary>
    /// After a collection: tag sets the observable callback no longer reports are removed, so vanished resources
    /// leave /metrics. A series without tags stays (it has nothing to vanish from).
    /// </summary>
    public void Sweep()
    {
        foreach (var (key, series) in _series)
        {
            if (series.Seen != Round && _series.TryRemove(key, out _))
            {
                series.Remove();
                Interlocked.Decrement(ref _seriesCount);
            }
        }

        if (Volatile.Read(ref _overflow) is { } overflow && overflow.Seen != Round)
        {
            Volatile.Write(ref _overflow, null);
            overflow.Remove();
        }
    }

    private SeriesHandle Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return Volatile.Read(ref _untagged) ?? Publish(ref _untagged, Bind([]));
        }

        return _lookup.TryGetValue(tags, out var series) ? series : Add(tags);
    }

    private SeriesHandle Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // A cap keeps a flood of distinct tag values (user-controlled input) from exhausting memory.
        if (Volatile.Read(ref _seriesCount) >= _maxSeries)
        {
            return Volatile.Read(ref _overflow) ?? Publish(ref _overflow, Bind(OverflowTags));
        }

        var key = new TagKey(tags.ToArray());
        var created = Bind(key.Tags);
        var series = _series.GetOrAdd(key, created);
        if (ReferenceEquals(series, created))
        {
            Interlocked.Increment(ref _seriesCount);
        }

        return series;
    }

    /// <summary>First writer wins, so two threads racing on a new series record into the same one.</summary>
    private static SeriesHandle Publish(ref SeriesHandle? field, SeriesHandle created) =>
        Interlocked.CompareExchange(ref field, created, null) ?? created;

    private SeriesHandle Bind(KeyValuePair<string, object?>[] tags)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in _constantTags.Concat(tags))
        {
            var name = PrometheusNames.Label(tag.Key);
            // "le" belongs to histogram buckets; prometheus-net refuses it as a label of ours.
            if (Kind == InstrumentKind.Histogram && name == "le")
            {
                name = "_le";
            }

            labels[name] = PrometheusNames.TagValue(tag.Value);
        }

        string[] names = [.. labels.Keys];
        string[] values = [.. labels.Values];
        try
        {
            ChildBase child = Kind switch
            {
                InstrumentKind.Counter or InstrumentKind.ObservableCounter => _factory.CreateCounter(Name, _help, names).WithLabels(values),
                InstrumentKind.Histogram => _factory.CreateHistogram(Name, _help, names, new HistogramConfiguration { Buckets = _buckets }).WithLabels(values),
                _ => _factory.CreateGauge(Name, _help, names).WithLabels(values),
            };
            return new SeriesHandle(child);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // The name is taken by a metric of another type (two instruments disagree; the first keeps it), or
            // prometheus-net refuses the name: the instrument records nothing rather than throwing at its caller.
            return SeriesHandle.Dead;
        }
    }
}
