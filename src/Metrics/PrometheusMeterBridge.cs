using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace MlOperator.Metrics;

/// <summary>
/// Publishes the instruments of the chosen <see cref="Meter"/>s as prometheus-net metrics in one
/// <see cref="CollectorRegistry"/>, under the names, HELP texts, labels and buckets /metrics has always shown.
/// prometheus-net serialises; this class only binds each measurement to a pre-bound child.
/// </summary>
/// <remarks>
/// prometheus-net's own <c>MeterAdapter</c> is not used because it changes what users see: it prefixes every name
/// with the meter's name, appends the unit and instrument type to HELP, exports counters as gauges, ignores the
/// instruments' advised histogram buckets and expires series not updated for five minutes.
/// Mapping: Counter → <c>counter</c> (name gets <c>_total</c>); UpDownCounter, Gauge and the observable gauges →
/// <c>gauge</c>; ObservableCounter → <c>counter</c>; Histogram → <c>histogram</c> with the advised buckets, or
/// defaults chosen by unit (seconds: Prometheus' defaults, otherwise OpenTelemetry's).
/// </remarks>
public sealed class PrometheusMeterBridge : IDisposable
{
    public const int DefaultMaxSeriesPerInstrument = 2000;

    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly Func<Meter, bool> _meterFilter;
    private readonly int _maxSeriesPerInstrument;
    private readonly MetricFactory _factory;
    private readonly ConcurrentDictionary<Instrument, InstrumentBinding> _bindings = new();
    private readonly Lock _collectLock = new();
    private readonly MeterListener _listener;
    private int _round;
    private volatile bool _disposed;

    public PrometheusMeterBridge(CollectorRegistry registry, params string[] meterNames)
        : this(registry, NameFilter(meterNames))
    {
    }

    /// <param name="registry">Where the metrics go; /metrics serves it.</param>
    /// <param name="meterFilter">Chooses the meters to publish; e.g. by name and <see cref="Meter.Scope"/>, so that
    /// two hosts in one process (tests) each publish only the meters of their own <see cref="IMeterFactory"/>.</param>
    /// <param name="maxSeriesPerInstrument">Tag sets beyond this many per instrument share one
    /// <c>otel_metric_overflow="true"</c> series, so unbounded tag values cannot exhaust memory.</param>
    public PrometheusMeterBridge(CollectorRegistry registry, Func<Meter, bool> meterFilter, int maxSeriesPerInstrument = DefaultMaxSeriesPerInstrument)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(meterFilter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSeriesPerInstrument);
        Registry = registry;
        _meterFilter = meterFilter;
        _maxSeriesPerInstrument = maxSeriesPerInstrument;
        _factory = Prometheus.Metrics.WithCustomRegistry(registry);
        // Exemplars appear only in OpenMetrics, which /metrics does not offer; skipping them keeps recording cheap.
        _factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentBinding)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentBinding)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentBinding)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentBinding)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentBinding)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentBinding)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentBinding)state!).Record((double)value, tags));
        // A registry cannot forget a callback; after Dispose it does nothing.
        registry.AddBeforeCollectCallback(ObserveInstruments);
        _listener.Start();
    }

    public CollectorRegistry Registry { get; }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
    }

    /// <summary>Runs the observable callbacks before each scrape, then forgets the tag sets they stopped reporting.</summary>
    private void ObserveInstruments()
    {
        if (_disposed)
        {
            return;
        }

        lock (_collectLock)
        {
            var round = ++_round;
            var observable = _bindings.Values.Where(binding => binding.IsObservable).ToList();
            foreach (var binding in observable)
            {
                binding.Round = round;
            }

            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (Exception)
            {
                // A throwing observable callback must not take /metrics down with it; the others were still observed.
            }

            foreach (var binding in observable)
            {
                binding.Sweep();
            }
        }
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_meterFilter(instrument.Meter) || Classify(instrument) is not { } kind)
        {
            return;
        }

        var name = PrometheusNames.Metric(instrument.Name);
        if (kind is InstrumentKind.Counter or InstrumentKind.ObservableCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        var buckets = kind == InstrumentKind.Histogram ? BucketBounds(instrument) : [];
        var binding = new InstrumentBinding(instrument, kind, name, buckets, _factory, _maxSeriesPerInstrument);
        _bindings[instrument] = binding;
        listener.EnableMeasurementEvents(instrument, binding);
    }

    /// <summary>
    /// A disposed meter records no more; its series keep their last values, which the next scrape may still need
    /// (meters are disposed with their host's container, and the registry goes with it).
    /// </summary>
    private void OnMeasurementsCompleted(Instrument instrument, object? state) => _bindings.TryRemove(instrument, out _);

    private static Func<Meter, bool> NameFilter(IEnumerable<string> meterNames)
    {
        var names = new HashSet<string>(meterNames, StringComparer.Ordinal);
        return meter => names.Contains(meter.Name);
    }

    private static InstrumentKind? Classify(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        var definition = instrument.GetType().GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return InstrumentKind.Counter;
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return InstrumentKind.UpDownCounter;
        }

        if (definition == typeof(Histogram<>))
        {
            return InstrumentKind.Histogram;
        }

        if (definition == typeof(Gauge<>))
        {
            return InstrumentKind.Gauge;
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return InstrumentKind.ObservableCounter;
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>))
        {
            return InstrumentKind.ObservableGauge;
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
}
