using MlOperator.Operator.Analysis;

namespace MlOperator.Operator.UnitTests.Analysis;

public class AnalysisJudgeTests
{
    private static readonly double[] Bounds = [0.01, 0.1, 1, double.PositiveInfinity];

    // All latency observations in one bucket: p99 lands at 99 % of the way through it.
    private static RevisionWindow Window(double requests, double errors, int bucket) =>
        new(requests, errors, new LatencyHistogram(Bounds, [.. Bounds.Select((_, i) => i >= bucket ? requests : 0)]), 1);

    private static readonly AnalysisLimits Limits = new(MinRequests: 50, MaxErrorRate: 0.01, MaxP99LatencyMs: 250, MaxLatencyRatioToStable: 1.5);

    [Fact]
    public void Fewer_requests_than_minRequests_is_inconclusive_whatever_the_errors()
    {
        var verdict = AnalysisJudge.Judge(Limits, Window(49, 49, 0), Window(1000, 0, 0));

        Assert.Equal(AnalysisOutcome.Inconclusive, verdict.Outcome);
        Assert.Equal("canary served 49 requests in the window, fewer than minRequests 50", verdict.Summary);
    }

    [Fact]
    public void No_requests_is_inconclusive_even_with_minRequests_zero() =>
        Assert.Equal(AnalysisOutcome.Inconclusive, AnalysisJudge.Judge(Limits with { MinRequests = 0 }, RevisionWindow.Empty, RevisionWindow.Empty).Outcome);

    [Fact]
    public void An_error_rate_over_the_limit_fails_naming_value_and_limit()
    {
        var verdict = AnalysisJudge.Judge(Limits, Window(100, 20, 0), Window(100, 0, 0));

        Assert.Equal(AnalysisOutcome.Failed, verdict.Outcome);
        Assert.Equal(new AnalysisFinding(AnalysisJudge.ErrorRateMetric, 0.2, 0.01), verdict.Findings.Single());
        Assert.Equal("error rate 0.2 exceeds limit 0.01", verdict.Summary);
    }

    [Fact]
    public void An_error_rate_at_the_limit_passes() =>
        Assert.Equal(AnalysisOutcome.Passed, AnalysisJudge.Judge(Limits, Window(100, 1, 0), Window(100, 0, 0)).Outcome);

    [Fact]
    public void A_p99_over_the_limit_fails()
    {
        var verdict = AnalysisJudge.Judge(Limits with { MaxLatencyRatioToStable = null }, Window(100, 0, 2), Window(100, 0, 2));

        Assert.Equal(AnalysisJudge.P99Metric, verdict.Findings.Single().Metric);
        Assert.Equal(991, verdict.Findings.Single().Value, 6); // 100 ms + 900 ms × 0.99
    }

    [Fact]
    public void A_canary_slower_than_stable_by_more_than_the_ratio_fails()
    {
        var verdict = AnalysisJudge.Judge(Limits with { MaxP99LatencyMs = null }, Window(100, 0, 1), Window(100, 0, 0));

        Assert.Equal(AnalysisOutcome.Failed, verdict.Outcome);
        Assert.Equal(AnalysisJudge.RatioMetric, verdict.Findings.Single().Metric);
    }

    [Fact]
    public void The_ratio_is_not_judged_without_enough_stable_traffic()
    {
        var verdict = AnalysisJudge.Judge(Limits with { MaxP99LatencyMs = null }, Window(100, 0, 1), Window(10, 0, 0));

        Assert.Equal(AnalysisOutcome.Passed, verdict.Outcome);
        Assert.DoesNotContain("stable", verdict.Summary);
    }

    [Fact]
    public void Every_failed_check_is_reported()
    {
        var verdict = AnalysisJudge.Judge(Limits, Window(100, 50, 2), Window(100, 0, 0));

        Assert.Equal([AnalysisJudge.ErrorRateMetric, AnalysisJudge.P99Metric, AnalysisJudge.RatioMetric], verdict.Findings.Select(f => f.Metric));
    }

    [Fact]
    public void Limits_default_minRequests_and_leave_unset_checks_off()
    {
        var limits = AnalysisLimits.From(null);

        Assert.Equal(new AnalysisLimits(50, null, null, null), limits);
        Assert.Equal(AnalysisOutcome.Passed, AnalysisJudge.Judge(limits, Window(100, 100, 3), RevisionWindow.Empty).Outcome);
    }
}
