namespace MlOperator.Metrics.Tests;

/// <summary>The checker backs other assertions, so it must itself reject what Prometheus rejects.</summary>
public sealed class ExpositionCheckerTests
{
    [Theory]
    [InlineData("a 1")]
    [InlineData("a{b=\"c\"} one\n")]
    [InlineData("a{b=c} 1\n")]
    [InlineData("a{b=\"\\t\"} 1\n")]
    [InlineData("a.b 1\n")]
    [InlineData("a{1b=\"c\"} 1\n")]
    [InlineData("a 1\na 2\n")]
    [InlineData("a 1\n# TYPE a gauge\n")]
    [InlineData("# TYPE a gauge\n# TYPE a gauge\na 1\n")]
    [InlineData("a{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n")]
    public void Rejects_malformed_exposition(string text) =>
        Assert.Throws<FormatException>(() => ExpositionChecker.Check(text));

    [Fact]
    public void Accepts_a_well_formed_exposition()
    {
        var samples = ExpositionChecker.Check(
            "# HELP h Latency \\\\ and \\n.\n# TYPE h histogram\nh_bucket{x=\"a\\\"b\",le=\"1\"} 1\nh_bucket{x=\"a\\\"b\",le=\"+Inf\"} 2\n"
            + "h_sum{x=\"a\\\"b\"} 3.5\nh_count{x=\"a\\\"b\"} 2\n# TYPE g gauge\ng -Inf\n");

        Assert.Equal(5, samples.Count);
        Assert.Equal("a\"b", samples[0].Labels["x"]);
        Assert.Equal(double.NegativeInfinity, samples[^1].Value);
    }
}
