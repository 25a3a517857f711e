namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// Operator configuration that fills what a ModelDeployment leaves unset. Values the API server can default
/// (replicas, ports, rollout strategy…) are schema defaults on the types; these are the ones a platform team
/// changes per installation (image, resources), plus the fallbacks the builders use when an object was
/// created without schema defaults (the emulator does not apply them).
/// </summary>
public sealed record ModelDeploymentDefaults
{
    public const string DefaultRuntimeImage = "ghcr.io/mloperator/inference-sidecar:0.1.0";

    /// <summary>Port the sidecar listens on (MLOP_PORT); the Service's targetPort.</summary>
    public const int SidecarPort = 8080;

    public static ModelDeploymentDefaults Default { get; } = new();

    public string RuntimeImage { get; init; } = DefaultRuntimeImage;

    /// <summary>
    /// Image of the init container that runs the sidecar's <c>fetch</c> subcommand; null means the ModelDeployment's
    /// resolved runtime image, so the downloader and the server are always the same build.
    /// </summary>
    public string? ModelDownloaderImage { get; init; }

    public IReadOnlyDictionary<string, string> Requests { get; init; } =
        new Dictionary<string, string> { ["cpu"] = "500m", ["memory"] = "512Mi" };

    /// <summary>No CPU limit by default: throttling hurts tail latency more than it protects neighbours.</summary>
    public IReadOnlyDictionary<string, string> Limits { get; init; } =
        new Dictionary<string, string> { ["memory"] = "1Gi" };

    public int MaxBatchSize { get; init; } = 8;
    public string MaxBatchDelay { get; init; } = "2ms";
    public int Replicas { get; init; } = 1;
    public int MinReplicas { get; init; } = 1;
    public int TargetCpuUtilizationPercentage { get; init; } = 80;
    public int ServicePort { get; init; } = 80;
    public string IngressPath { get; init; } = "/";

    /// <summary>UID the sidecar runs as; numeric so the kubelet can enforce runAsNonRoot for any image.</summary>
    public long RunAsUser { get; init; } = 65532;

    /// <summary>Size cap of the emptyDir a fetched model is downloaded into.</summary>
    public string ModelCacheSizeLimit { get; init; } = "10Gi";
}
