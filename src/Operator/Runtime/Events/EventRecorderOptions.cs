namespace MlOperator.Operator.Runtime.Events;

public sealed record EventRecorderOptions
{
    /// <summary>source.component and reportingComponent.</summary>
    public string Component { get; init; } = "ml-operator";

    /// <summary>source.host and reportingInstance; defaults to the host name.</summary>
    public string? Instance { get; init; }

    /// <summary>Events waiting to be written; beyond this they are dropped (and counted) rather than block a reconcile.</summary>
    public int Capacity { get; init; } = 1000;

    /// <summary>
    /// Events written at once. Every event about one object goes through the same writer, in the order recorded, so
    /// repeats aggregate and an object's events keep their order; a burst across many objects (a GitOps sync creating
    /// a thousand ModelDeployments) is not written one round trip at a time.
    /// </summary>
    public int Writers { get; init; } = 4;

    /// <summary>Distinct (object, type, reason, message) keys remembered for aggregation.</summary>
    public int AggregationCacheSize { get; init; } = 4096;
}
