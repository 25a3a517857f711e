namespace MlOperator.Operator.Analysis;

/// <summary>How pods' /metrics are scraped (--metrics-scrape-timeout, --metrics-scrape-concurrency).</summary>
public sealed record PodMetricsOptions
{
    /// <summary>Per pod, from sending the request to having read the whole body.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Scrapes in flight at once across every ModelDeployment and revision.</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>A larger body is not the sidecar's /metrics (it serves a few kilobytes); it is refused, not buffered.</summary>
    public long MaxResponseBytes { get; init; } = 4 * 1024 * 1024;
}
