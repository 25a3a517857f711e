using System.Globalization;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Analysis;

/// <summary>A scrape of both revisions, the start of the next analysis window; round-trips through status.canary.baseline.</summary>
public sealed record AnalysisBaseline(string Canary, string Stable, DateTimeOffset At, IReadOnlyList<PodSample> CanaryPods, IReadOnlyList<PodSample> StablePods)
{
    /// <summary>Pods kept per revision: a window judges the pods seen at both ends, and status must stay small.</summary>
    public const int MaxPodsPerRevision = 100;

    /// <summary>Canary pods that did not answer this scrape.</summary>
    public int Unreachable { get; init; }

    public AnalysisBaselineStatus ToStatus()
    {
        var bounds = CanaryPods.Concat(StablePods).Select(p => p.Counters.Latency.UpperBounds).FirstOrDefault(b => b.Count > 1) ?? [double.PositiveInfinity];
        var pods = new List<PodCountersStatus>();
        foreach (var (revision, samples) in new[] { (Canary, CanaryPods), (Stable, StablePods) })
        {
            // A pod with another bucket layout (another sidecar build) is left out: it has no window this time.
            foreach (var sample in samples.Where(s => s.Counters.Latency.UpperBounds.SequenceEqual(bounds) || s.Counters.Latency.Count == 0).Take(MaxPodsPerRevision))
            {
                pods.Add(new PodCountersStatus
                {
                    Revision = revision,
                    Pod = sample.Pod,
                    Requests = sample.Counters.Requests,
                    Errors = sample.Counters.Errors,
                    Latency = sample.Counters.Latency.Count == 0 && sample.Counters.Latency.UpperBounds.Count != bounds.Count
                        ? [.. bounds.Select(_ => 0d)]
                        : [.. sample.Counters.Latency.CumulativeCounts],
                });
            }
        }

        return new AnalysisBaselineStatus
        {
            At = At,
            CanaryRevision = Canary,
            StableRevision = Stable,
            LatencyBuckets = [.. bounds.Select(Bound)],
            Pods = pods,
        };
    }

    /// <summary>The baseline status kept, or null when it is missing or unreadable (the next check then takes a fresh one).</summary>
    public static AnalysisBaseline? FromStatus(AnalysisBaselineStatus? status)
    {
        if (status is not { At: { } at, CanaryRevision: { } canary, StableRevision: { } stable, LatencyBuckets: { Count: > 0 } buckets })
        {
            return null;
        }

        var bounds = new double[buckets.Count];
        for (var i = 0; i < buckets.Count; i++)
        {
            if (!TryParseBound(buckets[i], out bounds[i]))
            {
                return null;
            }
        }

        var canaryPods = new List<PodSample>();
        var stablePods = new List<PodSample>();
        foreach (var pod in status.Pods ?? [])
        {
            if (pod.Pod is null || pod.Latency is not { } latency || latency.Count != bounds.Length)
            {
                continue;
            }

            var sample = new PodSample(pod.Pod, at, new PodCounters(pod.Requests ?? 0, pod.Errors ?? 0, new LatencyHistogram(bounds, [.. latency])));
            (pod.Revision == canary ? canaryPods : stablePods).Add(sample);
        }

        return new AnalysisBaseline(canary, stable, at, canaryPods, stablePods);
    }

    private static string Bound(double bound) =>
        double.IsPositiveInfinity(bound) ? "+Inf" : bound.ToString("R", CultureInfo.InvariantCulture);

    private static bool TryParseBound(string text, out double bound)
    {
        if (text == "+Inf")
        {
            bound = double.PositiveInfinity;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out bound);
    }
}
