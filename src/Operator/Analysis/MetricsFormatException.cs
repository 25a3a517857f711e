namespace MlOperator.Operator.Analysis;

/// <summary>A /metrics body that is not Prometheus text format; the message names the line and what is wrong.</summary>
public sealed class MetricsFormatException(string message) : Exception(message);
