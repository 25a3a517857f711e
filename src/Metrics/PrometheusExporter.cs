using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace MlOperator.Metrics;

/// <summary>
/// Aggregates the measurements of the named <see cref="Meter"/>s and renders them in the Prometheus text
/// exposition format 0.0.4. Recording is lock-free and allocation-free once a tag set has been seen;
/// only <see cref="Collect"/> takes a lock.
/// </summary>
/// <remarks>
/// Counter → <c>counter</c> (name gets <c>_total</c>); UpDownCounter, Gauge and the observable gauges →
/// <c>gauge</c>; ObservableCounter → <c>counter</c>; Histogram → <c>histogram</c> with the instrument's
/// advised bucket boundaries, or defaults chosen by unit (seconds: Prometheus defaults, otherwise
/// OpenTelemetry's millisecond-friendly defaults).
/// </remarks>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = PrometheusText.ContentType;

    public const int DefaultMaxSeriesPerInstrument = 2000;

    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly Func<Meter, bool> _meterFilter;
    private readonly int _maxSeriesPerInstrument;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _collectLock = new();
    private readonly MeterListener _listener;

    public PrometheusExporter(params string[] meterNames)
        : this((IEnumerable<string>)meterNames)
    {
    }

    /// <param name="meterNames">Exact names of the meters to export, e.g. <c>MlOperator.Operator</c>.</param>
    /// <param name="maxSeriesPerInstrument">Tag sets beyond this many per instrument share one
    /// <c>otel_metric_overflow="true"</c> series, so unbounded tag values cannot exhaust memory.</param>
    public PrometheusExporter(IEnumerable<string> meterNames, int maxSeriesPerInstrument = DefaultMaxSeriesPerInstrument)
        : this(NameFilter(meterNames), maxSeriesPerInstrument)
    {
    }

    /// <param name="meterFilter">Chooses the meters to export; e.g. by name and <see cref="Meter.Scope"/>, so that
    /// two hosts in one process (tests) each export only the meters of their own <see cref="IMeterFactory"/>.</param>
    /// <param name="maxSeriesPerInstrument">See the other constructor.</param>
    public PrometheusExporter(Func<Meter, bool> meterFilter, int maxSeriesPerInstrument = DefaultMaxSeriesPerInstrument)
    {
        ArgumentNullException.ThrowIfNull(meterFilter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSeriesPerInstrument);
        _meterFilter = meterFilter;
        _maxSeriesPerInstrument = maxSeriesPerInstrument;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _),
        };
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentState)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Observes the observable instruments and renders every metric family.</summary>
    public string Collect()
    {
        var output = new StringBuilder(4096);
        lock (_collectLock)
        {
            foreach (var state in _instruments.Values)
            {
                if (state.IsObservable)
                {
                    state.Reset();
                }
            }

            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (Exception)
            {
                // A throwing observable callback must not take /metrics down with it; the others were still observed.
            }

            WriteFamilies(output);
        }

        return output.ToString();
    }

    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(Collect());
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_meterFilter(instrument.Meter) || Classify(instrument) is not var (type, aggregation, observable))
        {
            return;
        }

        var name = PrometheusText.SanitizeMetricName(instrument.Name);
        if (type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        var bounds = aggregation == Aggregation.Histogram ? BucketBounds(instrument) : [];
        var state = new InstrumentState(instrument, name, type, aggregation, observable, bounds, _maxSeriesPerInstrument);
        _instruments[instrument] = state;
        listener.EnableMeasurementEvents(instrument, state);
    }

    private static Func<Meter, bool> NameFilter(IEnumerable<string> meterNames)
    {
        var names = new HashSet<string>(meterNames, StringComparer.Ordinal);
        return meter => names.Contains(meter.Name);
    }

    private static (string Type, Aggregation Aggregation, bool Observable)? Classify(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        var definition = instrument.GetType().GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return ("counter", Aggregation.Sum, false);
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return ("gauge", Aggregation.Sum, false);
        }

        if (definition == typeof(Histogram<>))
        {
            return ("histogram", Aggregation.Histogram, false);
        }

        if (definition == typeof(Gauge<>))
        {
            return ("gauge", Aggregation.LastValue, false);
        }

        // Observable counters report the cumulative value, so the latest observation is the total.
        if (definition == typeof(ObservableCounter<>))
        {
            return ("counter", Aggregation.LastValue, true);
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>))
        {
            return ("gauge", Aggregation.LastValue, true);
        }

        return null;
    }

    private static double[] BucketBounds(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Instrument<double> i => i.Advice?.HistogramBucketBoundaries,
            Instrument<float> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<long> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<short> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<byte> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<decimal> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        var bounds = advised?.Where(double.IsFinite).Distinct().Order().ToArray();
        if (bounds is { Length: > 0 })
        {
            return bounds;
        }

        return instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets;
    }

    private void WriteFamilies(StringBuilder output)
    {
        var families = _instruments.Values
            .GroupBy(state => state.FamilyName, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal);
        foreach (var family in families)
        {
            // Two instruments may share a name (e.g. from two meters); one family can only have one type.
            var first = family.First();
            var members = family.Where(state => state.Type == first.Type && state.HasSeries).ToList();
            if (members.Count == 0)
            {
                continue;
            }

            var help = members.Select(state => state.Instrument.Description).FirstOrDefault(d => !string.IsNullOrEmpty(d));
            if (help is not null)
            {
                output.Append("# HELP ").Append(family.Key).Append(' ').Append(PrometheusText.EscapeHelp(help)).Append('\n');
            }

            output.Append("# TYPE ").Append(family.Key).Append(' ').Append(first.Type).Append('\n');
            foreach (var state in members)
            {
                state.WriteSamples(output);
            }
        }
    }
}
