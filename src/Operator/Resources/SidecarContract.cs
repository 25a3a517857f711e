namespace MlOperator.Operator.Resources;

/// <summary>
/// The inference sidecar's environment contract (src/Inference.Sidecar reads these) and its endpoints.
/// The operator passes everything through the environment so the image's entrypoint stays untouched.
/// </summary>
public static class SidecarContract
{
    public const string ModelPath = "MLOP_MODEL_PATH";
    public const string ModelName = "MLOP_MODEL_NAME";
    public const string ModelVersion = "MLOP_MODEL_VERSION";
    public const string ModelSha256 = "MLOP_MODEL_SHA256";
    public const string Port = "MLOP_PORT";
    public const string MaxBatchSize = "MLOP_MAX_BATCH_SIZE";
    public const string MaxBatchDelay = "MLOP_MAX_BATCH_DELAY";

    public const string ExecutionProviders = "MLOP_EXECUTION_PROVIDERS";

    /// <summary>Only for the download init container.</summary>
    public const string ModelUrl = "MLOP_MODEL_URL";

    /// <summary>
    /// ONNX Runtime execution providers for an accelerator type, or null for the sidecar's default (CPU).
    /// Only CUDA is wired in the sidecar today; AMD and TPU pods get their devices scheduled but the sidecar
    /// serves on CPU until it gains a ROCm/TPU provider. The sidecar refuses to start when a requested provider
    /// is missing from its ONNX Runtime build, so a GPU pod never silently runs on CPU.
    /// </summary>
    public static string? ExecutionProvidersFor(string? acceleratorType) =>
        acceleratorType == Api.V1Alpha1.AcceleratorSpec.NvidiaGpu ? "cuda,cpu" : null;

    public const string ContainerName = "inference";
    public const string PortName = "http";
    public const string ReadinessPath = "/v2/health/ready";
    public const string LivenessPath = "/v2/health/live";
    public const string MetricsPath = "/metrics";
    public const string ModelMountPath = "/models";
    public const string DownloadedModelFile = "/models/model.onnx";
    public const string TmpMountPath = "/tmp";
}
