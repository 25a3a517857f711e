using System.Globalization;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Options;

/// <summary>
/// Everything the sidecar is configured with. Each setting has an environment variable (the pod builder's
/// interface, see README) and a command-line flag (see <see cref="SidecarCommandLine"/>); flags win.
/// </summary>
public sealed record SidecarOptions
{
    public const string ModelPathKey = "MLOP_MODEL_PATH";
    public const string ModelNameKey = "MLOP_MODEL_NAME";
    public const string ModelVersionKey = "MLOP_MODEL_VERSION";
    public const string ModelSha256Key = "MLOP_MODEL_SHA256";
    public const string PortKey = "MLOP_PORT";
    public const string HostKey = "MLOP_HOST";
    public const string ExecutionProvidersKey = "MLOP_EXECUTION_PROVIDERS";
    public const string DeviceIdKey = "MLOP_DEVICE_ID";
    public const string IntraOpThreadsKey = "MLOP_INTRA_OP_THREADS";
    public const string InterOpThreadsKey = "MLOP_INTER_OP_THREADS";
    public const string GraphOptimizationKey = "MLOP_GRAPH_OPTIMIZATION";
    public const string MaxBatchSizeKey = "MLOP_MAX_BATCH_SIZE";
    public const string MaxBatchDelayKey = "MLOP_MAX_BATCH_DELAY";
    public const string MaxBodyBytesKey = "MLOP_MAX_BODY_BYTES";
    public const string MaxTensorElementsKey = "MLOP_MAX_TENSOR_ELEMENTS";
    public const string MaxInflightKey = "MLOP_MAX_INFLIGHT";
    public const string MaxQueueKey = "MLOP_MAX_QUEUE";
    public const string AccessLogKey = "MLOP_ACCESS_LOG";
    public const string WarmupRequestKey = "MLOP_WARMUP_REQUEST";
    public const string ShutdownDelayKey = "MLOP_SHUTDOWN_DELAY";

    /// <summary>Read by the <c>fetch</c> subcommand (the init container) with <see cref="ModelPathKey"/> and <see cref="ModelSha256Key"/>.</summary>
    public const string ModelUrlKey = "MLOP_MODEL_URL";

    public required string ModelPath { get; init; }

    public string ModelName { get; init; } = "model";

    public string ModelVersion { get; init; } = "1";

    /// <summary>Lower-case hex; when set, a model file with another digest is refused before serving.</summary>
    public string? ModelSha256 { get; init; }

    public int Port { get; init; } = 8080;

    /// <summary>The listen address; null listens on every address.</summary>
    public string? Host { get; init; }

    public SessionSettings Session { get; init; } = new();

    /// <summary>Rows per merged ORT run; 1 turns dynamic batching off.</summary>
    public int MaxBatchSize { get; init; } = 1;

    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    public long MaxBodyBytes { get; init; } = 64L << 20;

    public long MaxTensorElements { get; init; } = 16L << 20;

    /// <summary>Requests being decoded, run or encoded at once; more wait in a queue of <see cref="MaxQueue"/>.</summary>
    public int MaxInflight { get; init; } = 64;

    /// <summary>Requests allowed to wait for an in-flight slot; beyond that the sidecar answers 503 with Retry-After.</summary>
    public int MaxQueue { get; init; } = 256;

    /// <summary>One log line per HTTP request (Serilog.AspNetCore request logging); off by default, as it costs throughput.</summary>
    public bool AccessLog { get; init; }

    /// <summary>
    /// A V2 JSON infer body run once before the model goes ready; when it fails, startup fails. Without it a
    /// synthetic run on zeros warms up, and its failure only logs a warning (zeros are not valid for every model).
    /// </summary>
    public string? WarmupRequestPath { get; init; }

    /// <summary>
    /// How long the sidecar keeps serving, not ready, after it is asked to stop and before it closes its listener:
    /// the time the cluster takes to stop sending it new connections. Requests in flight then get
    /// <see cref="InFlightGrace"/> more. The pod's terminationGracePeriodSeconds must cover both.
    /// </summary>
    public TimeSpan ShutdownDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>What requests in flight get to finish once the listener is closed.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(20);

    /// <summary>Reads the MLOP_* keys (environment variables or flags translated by <see cref="SidecarCommandLine"/>).</summary>
    public static SidecarOptions FromConfiguration(IConfiguration configuration)
    {
        string? Get(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

        var modelPath = Get(ModelPathKey) ?? throw new SidecarOptionsException($"no model: pass --model PATH or set {ModelPathKey}");
        var sha = Get(ModelSha256Key)?.ToLowerInvariant();
        if (sha is not null && (sha.Length != 64 || !sha.All(Uri.IsHexDigit)))
        {
            throw new SidecarOptionsException($"{ModelSha256Key} / --sha256 must be 64 hex digits, got '{sha}'");
        }

        var providers = Get(ExecutionProvidersKey)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ProviderName).ToArray() ?? ["CPUExecutionProvider"];

        var shutdownDelay = Duration(Get(ShutdownDelayKey), ShutdownDelayKey, TimeSpan.FromSeconds(5));
        if (shutdownDelay > TimeSpan.FromMinutes(5))
        {
            throw new SidecarOptionsException($"{ShutdownDelayKey} / --shutdown-delay must be at most 5m, got '{Get(ShutdownDelayKey)}'");
        }

        return new SidecarOptions
        {
            ModelPath = modelPath,
            ModelName = Get(ModelNameKey) ?? Path.GetFileNameWithoutExtension(modelPath),
            ModelVersion = Get(ModelVersionKey) ?? "1",
            ModelSha256 = sha,
            Port = Int(Get(PortKey), PortKey, 8080, 1, 65535),
            Host = ListenAddress(configuration)?.ToString(),
            Session = new SessionSettings
            {
                IntraOpThreads = Int(Get(IntraOpThreadsKey), IntraOpThreadsKey, 0, 0, 1024),
                InterOpThreads = Int(Get(InterOpThreadsKey), InterOpThreadsKey, 0, 0, 1024),
                OptimizationLevel = Optimization(Get(GraphOptimizationKey)),
                ExecutionProviders = providers,
                DeviceId = Int(Get(DeviceIdKey), DeviceIdKey, 0, 0, 1024),
            },
            MaxBatchSize = Int(Get(MaxBatchSizeKey), MaxBatchSizeKey, 1, 1, 1 << 16),
            MaxBatchDelay = Duration(Get(MaxBatchDelayKey), MaxBatchDelayKey, TimeSpan.FromMilliseconds(2)),
            MaxBodyBytes = Long(Get(MaxBodyBytesKey), MaxBodyBytesKey, 64L << 20),
            MaxTensorElements = Long(Get(MaxTensorElementsKey), MaxTensorElementsKey, 16L << 20),
            MaxInflight = Int(Get(MaxInflightKey), MaxInflightKey, 64, 1, 1 << 20),
            MaxQueue = Int(Get(MaxQueueKey), MaxQueueKey, 256, 0, 1 << 20),
            AccessLog = Bool(Get(AccessLogKey), AccessLogKey),
            WarmupRequestPath = Get(WarmupRequestKey),
            ShutdownDelay = shutdownDelay,
        };
    }

    /// <summary>The IP address of <see cref="HostKey"/>, or null for every address (the default, as in a pod).</summary>
    public static System.Net.IPAddress? ListenAddress(IConfiguration configuration)
    {
        var value = configuration[HostKey]?.Trim();
        if (string.IsNullOrEmpty(value) || value is "*" or "0.0.0.0")
        {
            return null;
        }

        return System.Net.IPAddress.TryParse(value, out var address)
            ? address
            : throw new SidecarOptionsException($"{HostKey} must be an IP address, got '{value}'");
    }

    private static string ProviderName(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => "CPUExecutionProvider",
        "cuda" => "CUDAExecutionProvider",
        _ => name,
    };

    private static GraphOptimizationLevel Optimization(string? value) => value?.ToLowerInvariant() switch
    {
        null or "all" => GraphOptimizationLevel.All,
        "extended" => GraphOptimizationLevel.Extended,
        "basic" => GraphOptimizationLevel.Basic,
        "disable" or "none" => GraphOptimizationLevel.Disable,
        _ => throw new SidecarOptionsException($"{GraphOptimizationKey} must be one of all, extended, basic, disable; got '{value}'"),
    };

    private static int Int(string? value, string key, int fallback, int min, int max)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            throw new SidecarOptionsException($"{key} must be an integer from {min} to {max}, got '{value}'");
        }

        return parsed;
    }

    private static bool Bool(string? value, string key) => value?.ToLowerInvariant() switch
    {
        null or "false" or "0" => false,
        "true" or "1" => true,
        _ => throw new SidecarOptionsException($"{key} must be true or false, got '{value}'"),
    };

    private static long Long(string? value, string key, long fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
        {
            throw new SidecarOptionsException($"{key} must be a positive integer, got '{value}'");
        }

        return parsed;
    }

    /// <summary>Go-style durations as in the CRD ("2ms", "500us", "1s") or plain milliseconds.</summary>
    public static TimeSpan Duration(string? value, string key, TimeSpan fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        var units = new (string Suffix, double Ms)[] { ("ms", 1), ("us", 0.001), ("µs", 0.001), ("ns", 0.000001), ("s", 1000), ("m", 60_000) };
        foreach (var (suffix, ms) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(value[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                return TimeSpan.FromMilliseconds(n * ms);
            }
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain >= 0)
        {
            return TimeSpan.FromMilliseconds(plain);
        }

        throw new SidecarOptionsException($"{key} must be a duration like 2ms, 500us or 1s, got '{value}'");
    }
}
