using System.Text.Json;
using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Analysis;

/// <summary>Judging windows between scrapes whose baseline lives in status (so a restarted operator judges at once).</summary>
public class CanaryAnalysisTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AnalysisLimits Limits = new(MinRequests: 10, MaxErrorRate: 0.05, MaxP99LatencyMs: null, MaxLatencyRatioToStable: 2);

    [Fact]
    public async Task The_first_check_of_a_canary_only_takes_the_baseline()
    {
        var metrics = new Counters();
        metrics.Set("canary", "c-0/u1", requests: 100, errors: 0, fast: 100);

        var (verdict, baseline) = await new CanaryAnalysis(metrics).CheckAsync("ns", "md", "canary", "stable", Limits, null, default);

        Assert.Null(verdict);
        Assert.Equal(("canary", "stable"), (baseline.Canary, baseline.Stable));
        Assert.Single(baseline.CanaryPods);
    }

    [Fact]
    public async Task A_baseline_kept_in_status_lets_a_new_operator_judge_the_next_window_at_once()
    {
        var metrics = new Counters();
        metrics.Set("canary", "c-0/u1", requests: 100, errors: 0, fast: 100);
        metrics.Set("stable", "s-0/u2", requests: 1000, errors: 0, fast: 1000);
        var (_, first) = await new CanaryAnalysis(metrics).CheckAsync("ns", "md", "canary", "stable", Limits, null, default);
        var kept = RoundTrip(first.ToStatus());

        // The operator restarts; in the meantime the canary served 50 requests, 10 of them failing.
        metrics.Set("canary", "c-0/u1", requests: 150, errors: 10, fast: 150);
        metrics.Set("stable", "s-0/u2", requests: 1200, errors: 0, fast: 1200);
        var (verdict, _) = await new CanaryAnalysis(metrics).CheckAsync("ns", "md", "canary", "stable", Limits, AnalysisBaseline.FromStatus(kept), default);

        Assert.Equal(AnalysisOutcome.Failed, verdict!.Outcome);
        Assert.Equal("error rate 0.2 exceeds limit 0.05", verdict.Summary);
    }

    [Fact]
    public async Task A_pod_restarted_since_the_baseline_counts_everything_it_reports_now()
    {
        var metrics = new Counters();
        metrics.Set("canary", "c-0/u1", requests: 500, errors: 0, fast: 500);
        var (_, first) = await new CanaryAnalysis(metrics).CheckAsync("ns", "md", "canary", "stable", Limits with { MaxLatencyRatioToStable = null }, null, default);

        metrics.Set("canary", "c-0/u1", requests: 20, errors: 0, fast: 20); // the process restarted: counters from zero
        var (verdict, _) = await new CanaryAnalysis(metrics).CheckAsync("ns", "md", "canary", "stable", Limits with { MaxLatencyRatioToStable = null },
            AnalysisBaseline.FromStatus(RoundTrip(first.ToStatus())), default);

        Assert.Equal(AnalysisOutcome.Passed, verdict!.Outcome);
        Assert.StartsWith("20 requests", verdict.Summary);
    }

    [Fact]
    public async Task A_baseline_of_other_revisions_is_not_judged_against()
    {
        var metrics = new Counters();
        metrics.Set("canary", "c-0/u1", requests: 100, errors: 0, fast: 100);
        var (_, old) = await new CanaryAnalysis(metrics).CheckAsync("ns", "md", "canary", "stable", Limits, null, default);

        var (verdict, baseline) = await new CanaryAnalysis(metrics).CheckAsync("ns", "md", "next-canary", "stable", Limits, old, default);

        Assert.Null(verdict);
        Assert.Equal("next-canary", baseline.Canary);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{"at":"2026-03-01T12:00:00Z","canaryRevision":"c","stableRevision":"s"}""")]
    [InlineData("""{"at":"2026-03-01T12:00:00Z","canaryRevision":"c","stableRevision":"s","latencyBuckets":["x","+Inf"],"pods":[]}""")]
    public void An_unreadable_baseline_is_none_and_the_next_check_takes_a_fresh_one(string? json)
    {
        var status = json is null ? null : JsonSerializer.Deserialize<AnalysisBaselineStatus>(json, KubeJson.Options);

        Assert.Null(AnalysisBaseline.FromStatus(status));
    }

    [Fact]
    public void A_pod_with_a_bucket_layout_of_its_own_is_left_out_of_the_baseline()
    {
        var odd = new PodSample("c-1/u9", T0, new PodCounters(10, 0, new LatencyHistogram([0.1, double.PositiveInfinity], [10, 10])));
        var usual = new PodSample("c-0/u1", T0, new PodCounters(10, 0, new LatencyHistogram([0.005, 0.01, double.PositiveInfinity], [10, 10, 10])));

        var status = new AnalysisBaseline("c", "s", T0, [usual, odd], []).ToStatus();

        Assert.Equal(["0.005", "0.01", "+Inf"], status.LatencyBuckets);
        Assert.Equal("c-0/u1", Assert.Single(status.Pods!).Pod);
    }

    private static AnalysisBaselineStatus RoundTrip(AnalysisBaselineStatus status) =>
        JsonSerializer.Deserialize<AnalysisBaselineStatus>(JsonSerializer.Serialize(status, KubeJson.Options), KubeJson.Options)!;

    /// <summary>One pod per revision whose counters the test sets; every request took under 5 ms unless counted slow.</summary>
    private sealed class Counters : IRevisionMetrics
    {
        private readonly Dictionary<string, PodSample> _pods = [];

        public void Set(string revision, string pod, double requests, double errors, double fast) =>
            _pods[revision] = new PodSample(pod, T0, new PodCounters(requests, errors,
                new LatencyHistogram([0.005, 0.05, double.PositiveInfinity], [fast, requests, requests])));

        public Task<RevisionScrape> ScrapeAsync(string @namespace, string modelDeployment, string revision, CancellationToken ct) =>
            Task.FromResult(new RevisionScrape(T0, _pods.TryGetValue(revision, out var pod) ? [pod] : [], _pods.ContainsKey(revision) ? 1 : 0, []));
    }
}
