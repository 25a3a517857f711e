using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using Serilog.Events;

namespace MlOperator.Operator.Hosting;

/// <summary>What `run` was asked to do; the defaults are the documented defaults (README, --help, the chart's values).</summary>
public sealed record OperatorOptions
{
    public const string DefaultLeaseName = "ml-operator-leader";

    /// <summary>An explicit kubeconfig; null means KUBECONFIG, in-cluster, then ~/.kube/config.</summary>
    public string? KubeconfigPath { get; init; }

    public string? Context { get; init; }

    /// <summary>Namespaces to watch; empty watches all namespaces.</summary>
    public IReadOnlyList<string> WatchNamespaces { get; init; } = [];

    /// <summary>Concurrent reconciles of the ModelDeployment controller.</summary>
    public int Workers { get; init; } = 8;

    /// <summary>
    /// Client-side limit on API requests per second, with a burst allowance; 0 (the default) sends without one, as
    /// controller-runtime does since it followed SIG API Machinery's advice to rely on the API server's priority and
    /// fairness (Kubernetes 1.22+). The operator's own concurrency is bounded by its workers anyway.
    /// </summary>
    public double KubeApiQps { get; init; }

    public int KubeApiBurst { get; init; } = 100;

    public LogFormat LogFormat { get; init; } = LogFormat.Json;

    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>How canary analysis scrapes pods' /metrics: per-pod timeout, scrapes in flight.</summary>
    public PodMetricsOptions PodMetrics { get; init; } = new();

    /// <summary>Serves /metrics, /healthz and /readyz.</summary>
    public ListenAddress MetricsAddress { get; init; } = new("0.0.0.0", 8080);

    /// <summary>A second listener for the probes, so they never queue behind a scrape; null: none.</summary>
    public ListenAddress? HealthAddress { get; init; }

    public bool LeaderElect { get; init; } = true;

    /// <summary>Where the leader Lease lives; null means the kubeconfig context's (or the pod's) namespace.</summary>
    public string? LeaseNamespace { get; init; }

    public string LeaseName { get; init; } = DefaultLeaseName;

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>What a ModelDeployment gets when it leaves image and resources unset.</summary>
    public ModelDeploymentDefaults ModelDefaults { get; init; } = ModelDeploymentDefaults.Default;
}
