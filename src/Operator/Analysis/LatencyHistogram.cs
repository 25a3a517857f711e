namespace MlOperator.Operator.Analysis;

/// <summary>
/// A cumulative histogram (Prometheus <c>_bucket</c> series): upper bounds in seconds, ascending, ending with +Inf,
/// and the count of observations at or below each. Immutable; arithmetic returns new histograms.
/// </summary>
public sealed class LatencyHistogram
{
    public static readonly LatencyHistogram Empty = new([double.PositiveInfinity], [0]);

    public LatencyHistogram(double[] upperBounds, double[] cumulativeCounts)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(cumulativeCounts.Length, upperBounds.Length, nameof(cumulativeCounts));
        UpperBounds = upperBounds;
        CumulativeCounts = cumulativeCounts;
    }

    public IReadOnlyList<double> UpperBounds { get; }

    public IReadOnlyList<double> CumulativeCounts { get; }

    /// <summary>Observations in all buckets (the +Inf bucket's cumulative count).</summary>
    public double Count => CumulativeCounts.Count == 0 ? 0 : CumulativeCounts[^1];

    /// <summary>Per-bound sum of two histograms; bounds present in only one count what that one has below them.</summary>
    public LatencyHistogram Plus(LatencyHistogram other) => Combine(other, (a, b) => a + b);

    /// <summary>Observations made since <paramref name="earlier"/> (same source, counters not reset in between).</summary>
    public LatencyHistogram Minus(LatencyHistogram earlier) => Combine(earlier, (a, b) => Math.Max(0, a - b));

    /// <summary>
    /// The q-quantile in seconds, interpolated linearly inside the bucket the rank falls in, as PromQL's
    /// histogram_quantile does; NaN without observations; the highest finite bound when the rank is in +Inf.
    /// </summary>
    public double Quantile(double q)
    {
        var total = Count;
        if (total <= 0 || double.IsNaN(q))
        {
            return double.NaN;
        }

        var rank = Math.Clamp(q, 0, 1) * total;
        var previousBound = 0.0;
        var previousCount = 0.0;
        for (var i = 0; i < UpperBounds.Count; i++)
        {
            var bound = UpperBounds[i];
            var count = CumulativeCounts[i];
            if (count >= rank && count > previousCount)
            {
                if (double.IsPositiveInfinity(bound))
                {
                    return previousBound;
                }

                var lower = i == 0 && bound <= 0 ? bound : previousBound;
                return lower + (bound - lower) * (rank - previousCount) / (count - previousCount);
            }

            previousBound = double.IsPositiveInfinity(bound) ? previousBound : bound;
            previousCount = count;
        }

        return previousBound;
    }

    private LatencyHistogram Combine(LatencyHistogram other, Func<double, double, double> op)
    {
        var bounds = UpperBounds.Union(other.UpperBounds).Order().ToArray();
        var counts = new double[bounds.Length];
        for (var i = 0; i < bounds.Length; i++)
        {
            counts[i] = op(CountAt(bounds[i]), other.CountAt(bounds[i]));
        }

        return new LatencyHistogram(bounds, counts);
    }

    /// <summary>Cumulative count at a bound, taken from the nearest bound at or below it (0 below the first).</summary>
    private double CountAt(double bound)
    {
        var result = 0.0;
        for (var i = 0; i < UpperBounds.Count && UpperBounds[i] <= bound; i++)
        {
            result = CumulativeCounts[i];
        }

        return result;
    }
}
