using System.Globalization;

namespace MlOperator.Operator.Analysis;

/// <summary>
/// The sidecar counters canary analysis reads from one pod's /metrics, summed over the model/version series:
/// <c>inference_requests_total</c> (all and 5xx) and the <c>inference_request_duration_seconds</c> histogram.
/// </summary>
public sealed record PodCounters(double Requests, double Errors, LatencyHistogram Latency)
{
    public const string RequestsSeries = "inference_requests_total";
    public const string LatencyBucketSeries = "inference_request_duration_seconds_bucket";

    public static readonly PodCounters Zero = new(0, 0, LatencyHistogram.Empty);

    public static PodCounters From(IEnumerable<MetricSample> samples)
    {
        double requests = 0, errors = 0;
        var buckets = new SortedDictionary<double, double>();
        foreach (var sample in samples)
        {
            if (sample.Name == RequestsSeries)
            {
                requests += sample.Value;
                if (sample.Label("code").StartsWith('5'))
                {
                    errors += sample.Value;
                }
            }
            else if (sample.Name == LatencyBucketSeries && TryParseBound(sample.Label("le"), out var bound))
            {
                buckets[bound] = buckets.GetValueOrDefault(bound) + sample.Value;
            }
        }

        var latency = buckets.Count == 0 ? LatencyHistogram.Empty : new LatencyHistogram([.. buckets.Keys], [.. buckets.Values]);
        return new PodCounters(requests, errors, latency);
    }

    /// <summary>
    /// What happened between an earlier scrape of the same pod and this one. A counter that went down means the
    /// process restarted and counted from zero since, so the whole current value is new (Prometheus' rate() rule).
    /// </summary>
    public PodCounters Since(PodCounters earlier)
    {
        var reset = Requests < earlier.Requests || Errors < earlier.Errors || Latency.Count < earlier.Latency.Count;
        return reset ? this : new PodCounters(Requests - earlier.Requests, Errors - earlier.Errors, Latency.Minus(earlier.Latency));
    }

    public PodCounters Plus(PodCounters other) =>
        new(Requests + other.Requests, Errors + other.Errors, Latency.Plus(other.Latency));

    private static bool TryParseBound(string text, out double bound)
    {
        if (text is "+Inf" or "Inf")
        {
            bound = double.PositiveInfinity;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out bound);
    }
}
