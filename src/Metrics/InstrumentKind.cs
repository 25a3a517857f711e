namespace MlOperator.Metrics;

/// <summary>How a System.Diagnostics.Metrics instrument maps onto a prometheus-net metric.</summary>
internal enum InstrumentKind
{
    /// <summary>Counter: measurements are increments of a prometheus-net counter.</summary>
    Counter,

    /// <summary>UpDownCounter: increments (either sign) of a gauge.</summary>
    UpDownCounter,

    /// <summary>Gauge and the observable gauges: the latest value replaces the previous one.</summary>
    Gauge,

    /// <summary>ObservableCounter: the callback reports the cumulative total of a counter.</summary>
    ObservableCounter,

    /// <summary>ObservableGauge and ObservableUpDownCounter.</summary>
    ObservableGauge,

    Histogram,
}
