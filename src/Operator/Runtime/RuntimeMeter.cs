using System.Diagnostics.Metrics;

namespace MlOperator.Operator.Runtime;

/// <summary>
/// The operator's one <see cref="System.Diagnostics.Metrics.Meter"/>. The /metrics exporter listens by
/// <see cref="Name"/>, so other layers may create their own Meter with the same name.
/// </summary>
public static class RuntimeMeter
{
    public const string Name = "MlOperator.Operator";

    public static Meter Meter { get; } = new(Name);
}
