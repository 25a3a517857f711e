using System.Globalization;

namespace MlOperator.Operator.Analysis;

/// <summary>
/// Judges a canary window against the limits, and against the stable revision's window for the latency ratio.
/// Pure: the metric providers at the edge produce the windows.
/// </summary>
public static class AnalysisJudge
{
    public const string ErrorRateMetric = "error rate";
    public const string P99Metric = "p99 latency ms";
    public const string RatioMetric = "p99 latency ratio to stable";

    public static AnalysisVerdict Judge(AnalysisLimits limits, RevisionWindow canary, RevisionWindow stable)
    {
        if (canary.Requests < limits.MinRequests || canary.Requests == 0)
        {
            return AnalysisVerdict.Inconclusive(string.Create(CultureInfo.InvariantCulture,
                $"canary served {canary.Requests:0} requests in the window, fewer than minRequests {limits.MinRequests}"));
        }

        var findings = new List<AnalysisFinding>();
        if (limits.MaxErrorRate is { } maxErrorRate && canary.ErrorRate > maxErrorRate)
        {
            findings.Add(new AnalysisFinding(ErrorRateMetric, canary.ErrorRate, maxErrorRate));
        }

        var p99 = canary.P99Milliseconds;
        if (limits.MaxP99LatencyMs is { } maxP99 && p99 > maxP99)
        {
            findings.Add(new AnalysisFinding(P99Metric, p99, maxP99));
        }

        // The ratio needs a stable baseline with as much evidence as the canary must have; without one (all
        // traffic on the canary, or an idle stable) the ratio is not judged and the other checks decide.
        var stableP99 = stable.P99Milliseconds;
        var ratioJudged = limits.MaxLatencyRatioToStable is not null && stable.Requests >= Math.Max(1, limits.MinRequests) && stableP99 > 0;
        if (ratioJudged && p99 / stableP99 > limits.MaxLatencyRatioToStable!.Value)
        {
            findings.Add(new AnalysisFinding(RatioMetric, p99 / stableP99, limits.MaxLatencyRatioToStable.Value));
        }

        if (findings.Count > 0)
        {
            return AnalysisVerdict.Failed(findings);
        }

        return AnalysisVerdict.Passed(string.Create(CultureInfo.InvariantCulture,
            $"{canary.Requests:0} requests, error rate {canary.ErrorRate:0.####}, p99 {p99:0.##} ms{(ratioJudged ? $", {p99 / stableP99:0.##}x stable" : "")}"));
    }
}
