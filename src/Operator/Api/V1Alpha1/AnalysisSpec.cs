using k8s.Models;
using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>Canary health checks; a check that fails failureLimit times rolls the canary back.</summary>
public sealed class AnalysisSpec
{
    /// <summary>Time between checks, as a duration ("30s") or whole seconds.</summary>
    [Duration, Default("30s")]
    public IntOrString? Interval { get; set; }

    /// <summary>Failed checks that trigger a rollback.</summary>
    [Minimum(1), Maximum(100), Default(2)]
    public int? FailureLimit { get; set; }

    /// <summary>Requests the canary must have served in an interval before a check counts; fewer is inconclusive.</summary>
    [Minimum(0), Default(50)]
    public int? MinRequests { get; set; }

    /// <summary>Highest tolerated fraction of failed requests (0.01 = 1 %).</summary>
    [Minimum(0), Maximum(1)]
    public double? MaxErrorRate { get; set; }

    /// <summary>Highest tolerated 99th-percentile latency in milliseconds.</summary>
    [Minimum(1)]
    public int? MaxP99LatencyMs { get; set; }

    /// <summary>Highest tolerated ratio of the canary's p99 latency to the stable revision's.</summary>
    [Minimum(1)]
    public double? MaxLatencyRatioToStable { get; set; }
}
