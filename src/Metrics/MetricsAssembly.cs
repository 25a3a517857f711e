namespace MlOperator.Metrics;

/// <summary>Marker so the assembly is never empty; the exposition types live beside it.</summary>
internal static class MetricsAssembly;
