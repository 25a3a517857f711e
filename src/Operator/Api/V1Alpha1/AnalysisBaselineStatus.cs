namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// The pods' counters at the previous analysis scrape: the next check judges what happened since. Kept in status so an
/// operator restarted mid-step judges its next window without waiting for a fresh baseline.
/// </summary>
public sealed class AnalysisBaselineStatus
{
    /// <summary>When the scrape was taken.</summary>
    public DateTimeOffset? At { get; set; }

    /// <summary>Canary revision the scrape belongs to.</summary>
    public string? CanaryRevision { get; set; }

    /// <summary>Stable revision the scrape belongs to.</summary>
    public string? StableRevision { get; set; }

    /// <summary>Upper bounds (the le labels) of the latency histogram buckets, shared by every pod below.</summary>
    public List<string>? LatencyBuckets { get; set; }

    /// <summary>Each scraped pod's counters.</summary>
    public List<PodCountersStatus>? Pods { get; set; }
}

/// <summary>One pod's sidecar counters at a scrape.</summary>
public sealed class PodCountersStatus
{
    /// <summary>Revision hash of the pod.</summary>
    public string? Revision { get; set; }

    /// <summary>Pod name and uid ("name/uid").</summary>
    public string? Pod { get; set; }

    /// <summary>inference_requests_total, all codes.</summary>
    public double? Requests { get; set; }

    /// <summary>inference_requests_total with a 5xx code.</summary>
    public double? Errors { get; set; }

    /// <summary>Cumulative latency bucket counts, one per entry of latencyBuckets.</summary>
    public List<double>? Latency { get; set; }
}
