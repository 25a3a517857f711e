using MlOperator.Operator.Analysis;

namespace MlOperator.Operator.UnitTests.Analysis;

public class LatencyHistogramTests
{
    private static readonly double[] Bounds = [0.01, 0.05, 0.1, double.PositiveInfinity];

    [Theory]
    // 100 observations: 50 ≤ 10 ms, 40 in (10, 50], 10 in (50, 100] → p99 = 50 + 50 × (99 − 90) / 10 ms.
    [InlineData(new double[] { 50, 90, 100, 100 }, 0.99, 0.095)]
    [InlineData(new double[] { 50, 90, 100, 100 }, 0.5, 0.01)]
    // The first bucket interpolates from zero.
    [InlineData(new double[] { 100, 100, 100, 100 }, 0.5, 0.005)]
    // A rank in +Inf answers the highest finite bound, as PromQL does.
    [InlineData(new double[] { 0, 0, 90, 100 }, 0.99, 0.1)]
    public void Quantile_interpolates_as_histogram_quantile_does(double[] cumulative, double q, double expected) =>
        Assert.Equal(expected, new LatencyHistogram(Bounds, cumulative).Quantile(q), 9);

    [Fact]
    public void Quantile_of_an_empty_histogram_is_NaN() =>
        Assert.True(double.IsNaN(new LatencyHistogram(Bounds, [0, 0, 0, 0]).Quantile(0.99)));

    [Fact]
    public void Minus_gives_the_observations_made_in_between()
    {
        var earlier = new LatencyHistogram(Bounds, [10, 20, 30, 30]);
        var later = new LatencyHistogram(Bounds, [15, 40, 55, 56]);

        var delta = later.Minus(earlier);

        Assert.Equal([5, 20, 25, 26], delta.CumulativeCounts);
        Assert.Equal(26, delta.Count);
    }

    [Fact]
    public void Plus_merges_histograms_with_different_bounds()
    {
        var a = new LatencyHistogram([0.01, double.PositiveInfinity], [1, 2]);
        var b = new LatencyHistogram([0.05, double.PositiveInfinity], [3, 3]);

        var sum = a.Plus(b);

        Assert.Equal([0.01, 0.05, double.PositiveInfinity], sum.UpperBounds);
        Assert.Equal([1, 4, 5], sum.CumulativeCounts);
    }
}
