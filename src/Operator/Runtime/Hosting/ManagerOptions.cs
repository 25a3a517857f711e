namespace MlOperator.Operator.Runtime.Hosting;

/// <summary>Controller manager settings (bind from configuration section "Manager" if wanted).</summary>
public sealed record ManagerOptions
{
    /// <summary>Namespace every informer is scoped to, several separated by commas; null watches all namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary>Off for tests and single-replica development; on in the cluster so only one replica acts.</summary>
    public bool LeaderElection { get; init; } = true;

    public string LeaseName { get; init; } = "ml-operator-leader";

    /// <summary>Usually the operator's own namespace (POD_NAMESPACE).</summary>
    public string LeaseNamespace { get; init; } = "default";

    /// <summary>Null: host name + random suffix.</summary>
    public string? Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Default reconcile workers per controller (a builder's WithWorkers wins).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Every cached object is re-delivered this often, so drift is corrected even without events; zero turns it off.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Event source component.</summary>
    public string Component { get; init; } = "ml-operator";
}
