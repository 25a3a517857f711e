using Serilog.Events;

namespace MlOperator.Operator.Hosting;

/// <summary>What `run` was asked to do; the defaults are the documented CLI defaults.</summary>
public sealed record OperatorOptions
{
    public const string DefaultLeaseName = "ml-operator-leader";

    /// <summary>An explicit kubeconfig; null means KUBECONFIG, in-cluster, then ~/.kube/config.</summary>
    public string? KubeconfigPath { get; init; }

    public string? Context { get; init; }

    /// <summary>The one namespace to watch; null watches all namespaces.</summary>
    public string? WatchNamespace { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Json;

    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Serves /metrics, /healthz and /readyz.</summary>
    public ListenAddress MetricsAddress { get; init; } = new("0.0.0.0", 8080);

    public bool LeaderElect { get; init; } = true;

    /// <summary>Where the leader Lease lives; null means the kubeconfig context's (or the pod's) namespace.</summary>
    public string? LeaseNamespace { get; init; }

    public string LeaseName { get; init; } = DefaultLeaseName;
}
