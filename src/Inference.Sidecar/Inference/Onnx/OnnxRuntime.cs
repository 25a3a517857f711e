using System.Runtime.InteropServices;

namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>
/// A loaded <c>libonnxruntime</c> plus its process-wide <c>OrtEnv</c>. The library is loaded from a path so that
/// a GPU build drops in without rebuilding; it is never unloaded (ORT's threads may outlive a dlclose).
/// </summary>
public sealed class OnnxRuntime : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, OnnxRuntime> Loaded = new(StringComparer.Ordinal);

    private OnnxRuntime(string path, OrtApi api, OrtHandle env)
    {
        LibraryPath = path;
        Api = api;
        Env = env;
    }

    public string LibraryPath { get; }

    public string Version => Api.Version;

    internal OrtApi Api { get; }

    internal OrtHandle Env { get; }

    /// <summary>Loads the library (once per path per process; ORT allows a single env per process).</summary>
    public static OnnxRuntime Load(string libraryPath)
    {
        var fullPath = Path.GetFullPath(libraryPath);
        lock (Gate)
        {
            if (Loaded.TryGetValue(fullPath, out var existing))
            {
                return existing;
            }

            if (!File.Exists(fullPath))
            {
                throw new FileNotFoundException(
                    $"ONNX Runtime library not found at '{fullPath}'. Run `make deps`, or pass --onnxruntime PATH / set MLOP_ONNXRUNTIME.",
                    fullPath);
            }

            var library = NativeLibrary.Load(fullPath);
            var api = OrtApi.FromLibrary(library, fullPath);
            var env = new OrtHandle(api, api.CreateEnv(logSeverity: 2 /* warning */, "mloperator-sidecar"), OrtApiIndex.ReleaseEnv);
            var runtime = new OnnxRuntime(fullPath, api, env);
            Loaded[fullPath] = runtime;
            return runtime;
        }
    }

    /// <summary>Execution providers compiled into the loaded library (e.g. CPUExecutionProvider, CUDAExecutionProvider).</summary>
    public IReadOnlyList<string> AvailableProviders() => Api.AvailableProviders();

    public OnnxSession CreateSession(string modelPath, SessionSettings settings) => OnnxSession.Create(this, modelPath, settings);

    /// <summary>The env lives for the whole process; sessions hold it, so there is nothing to free early.</summary>
    public void Dispose()
    {
    }
}
