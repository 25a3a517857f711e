using MlOperator.Operator.Analysis;

namespace MlOperator.Operator.UnitTests.Analysis;

public class RevisionWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    private static PodSample Sample(string pod, int seconds, double ok, double errors, double fast = 0, double slow = 0) =>
        new(pod, T0.AddSeconds(seconds), PodCounters.From(PrometheusTextParser.Parse($"""
            inference_requests_total{"{"}model="m",version="1",code="200"{"}"} {ok}
            inference_requests_total{"{"}model="m",version="1",code="503"{"}"} {errors}
            inference_request_duration_seconds_bucket{"{"}model="m",version="1",le="0.01"{"}"} {fast}
            inference_request_duration_seconds_bucket{"{"}model="m",version="1",le="1"{"}"} {fast + slow}
            inference_request_duration_seconds_bucket{"{"}model="m",version="1",le="+Inf"{"}"} {fast + slow}
            """)));

    [Fact]
    public void Counts_5xx_as_errors_and_sums_deltas_over_pods()
    {
        var window = RevisionWindow.Between(
            [Sample("a", 0, ok: 100, errors: 1), Sample("b", 0, ok: 50, errors: 0)],
            [Sample("a", 30, ok: 190, errors: 11), Sample("b", 30, ok: 150, errors: 0)]);

        Assert.Equal(200, window.Requests); // (90 + 10) + 100
        Assert.Equal(10, window.Errors);
        Assert.Equal(0.05, window.ErrorRate, 9);
        Assert.Equal(2, window.Pods);
    }

    [Fact]
    public void A_counter_that_went_down_means_a_restart_and_counts_from_zero()
    {
        var window = RevisionWindow.Between([Sample("a", 0, ok: 1000, errors: 10)], [Sample("a", 30, ok: 40, errors: 2)]);

        Assert.Equal(42, window.Requests);
        Assert.Equal(2, window.Errors);
    }

    [Fact]
    public void Pods_seen_only_once_add_nothing()
    {
        var window = RevisionWindow.Between(
            [Sample("gone", 0, ok: 10, errors: 0), Sample("a", 0, ok: 10, errors: 0)],
            [Sample("new", 30, ok: 500, errors: 500), Sample("a", 30, ok: 20, errors: 0)]);

        Assert.Equal(10, window.Requests);
        Assert.Equal(0, window.Errors);
        Assert.Equal(1, window.Pods);
    }

    [Fact]
    public void P99_comes_from_the_histogram_delta_not_the_lifetime_totals()
    {
        // Before the window: 1,000 fast requests. In it: 100 slow ones only.
        var window = RevisionWindow.Between([Sample("a", 0, ok: 1000, errors: 0, fast: 1000)], [Sample("a", 30, ok: 1100, errors: 0, fast: 1000, slow: 100)]);

        Assert.True(window.P99Milliseconds > 900, $"p99 {window.P99Milliseconds} ms");
    }

    [Fact]
    public void An_empty_window_has_no_error_rate_and_no_p99()
    {
        Assert.Equal(0, RevisionWindow.Empty.ErrorRate);
        Assert.True(double.IsNaN(RevisionWindow.Empty.P99Milliseconds));
    }
}
