using Ort = Microsoft.ML.OnnxRuntime;

namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>
/// The process-wide ONNX Runtime environment from the Microsoft.ML.OnnxRuntime package (CPU) or its Gpu.Linux
/// build (<c>-p:OnnxRuntimeFlavor=Gpu</c>); the native library ships in the package's runtimes/ folder.
/// </summary>
public sealed class OnnxRuntime
{
    private static readonly Lazy<OnnxRuntime> Instance = new(() => new OnnxRuntime(Ort.OrtEnv.Instance()));

    private readonly Ort.OrtEnv env;

    private OnnxRuntime(Ort.OrtEnv env)
    {
        this.env = env;
        Version = env.GetVersionString();
    }

    /// <summary>The one environment (ORT allows a single env per process).</summary>
    public static OnnxRuntime Shared => Instance.Value;

    public string Version { get; }

    /// <summary>Which package the sidecar was built against, for error messages.</summary>
    public static string Package =>
#if ORT_GPU
        "Microsoft.ML.OnnxRuntime.Gpu.Linux";
#else
        "Microsoft.ML.OnnxRuntime";
#endif

    public string Description => $"ONNX Runtime {Version} ({Package})";

    /// <summary>Execution providers compiled into the native library (e.g. CPUExecutionProvider, CUDAExecutionProvider).</summary>
    public IReadOnlyList<string> AvailableProviders() => env.GetAvailableProviders();

    public OnnxSession CreateSession(string modelPath, SessionSettings settings) => OnnxSession.Create(this, modelPath, settings);
}
