namespace MlOperator.Operator.Runtime.Cache;

/// <summary>What an informer watches: a namespace (null = all) and a server-side label selector.</summary>
public sealed record InformerOptions
{
    public string? Namespace { get; init; }
    public string? LabelSelector { get; init; }

    /// <summary>How often every cached object is re-delivered as an update; zero turns resync off.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.Zero;

    /// <summary>Server-side watch timeout; the informer then resumes from the last resourceVersion it saw.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
