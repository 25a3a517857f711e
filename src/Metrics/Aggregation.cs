namespace MlOperator.Metrics;

internal enum Aggregation
{
    /// <summary>Counter and UpDownCounter: deltas add up.</summary>
    Sum,

    /// <summary>Gauges and every observable instrument: the latest value replaces the previous one.</summary>
    LastValue,

    Histogram,
}
