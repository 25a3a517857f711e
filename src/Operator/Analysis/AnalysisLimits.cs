using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Analysis;

/// <summary>The checks of spec.rollout.analysis with the schema defaults filled in; a null limit is not checked.</summary>
public sealed record AnalysisLimits(int MinRequests, double? MaxErrorRate, double? MaxP99LatencyMs, double? MaxLatencyRatioToStable)
{
    public const int DefaultMinRequests = 50;

    public static AnalysisLimits From(AnalysisSpec? spec) => new(
        spec?.MinRequests ?? DefaultMinRequests,
        spec?.MaxErrorRate,
        spec?.MaxP99LatencyMs,
        spec?.MaxLatencyRatioToStable);
}
