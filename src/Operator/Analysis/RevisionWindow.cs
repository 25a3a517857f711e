namespace MlOperator.Operator.Analysis;

/// <summary>What one revision's pods served between two scrapes, summed over the pods seen in both.</summary>
public sealed record RevisionWindow(double Requests, double Errors, LatencyHistogram Latency, int Pods)
{
    public static readonly RevisionWindow Empty = new(0, 0, LatencyHistogram.Empty, 0);

    /// <summary>Failed (5xx) share of requests; 0 without requests.</summary>
    public double ErrorRate => Requests > 0 ? Errors / Requests : 0;

    /// <summary>99th-percentile latency in milliseconds; NaN without observations.</summary>
    public double P99Milliseconds => Latency.Quantile(0.99) * 1000;

    /// <summary>
    /// Deltas per pod between an earlier and a later scrape. A pod with no earlier sample (it just became ready, or
    /// the earlier scrape of it failed) and a pod that has gone add nothing: their rates are unknown for this window.
    /// </summary>
    public static RevisionWindow Between(IEnumerable<PodSample> earlier, IEnumerable<PodSample> later)
    {
        var before = earlier.ToDictionary(s => s.Pod, StringComparer.Ordinal);
        var total = PodCounters.Zero;
        var pods = 0;
        foreach (var sample in later)
        {
            if (before.TryGetValue(sample.Pod, out var previous))
            {
                total = total.Plus(sample.Counters.Since(previous.Counters));
                pods++;
            }
        }

        return new RevisionWindow(total.Requests, total.Errors, total.Latency, pods);
    }
}
