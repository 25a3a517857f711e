namespace MlOperator.Inference.Sidecar.Options;

/// <summary>
/// Turns the command line into the same MLOP_* keys the environment uses, so a flag and its variable are one
/// setting. Unknown flags are an error rather than silently ignored (a typo must not change behaviour).
/// </summary>
public static class SidecarCommandLine
{
    private static readonly (string Flag, string Key, string Help)[] Flags =
    [
        ("--model", SidecarOptions.ModelPathKey, "PATH of the .onnx file to serve (required)"),
        ("--name", SidecarOptions.ModelNameKey, "model name on /v2/models/{name} (default: file name without extension)"),
        ("--version", SidecarOptions.ModelVersionKey, "model version (default: 1)"),
        ("--sha256", SidecarOptions.ModelSha256Key, "expected SHA-256 of the model file; a mismatch exits non-zero before listening"),
        ("--port", SidecarOptions.PortKey, "HTTP port (default: 8080)"),
        ("--host", SidecarOptions.HostKey, "IP address to listen on (default: every address)"),
        ("--execution-providers", SidecarOptions.ExecutionProvidersKey, "comma-separated, e.g. cuda,cpu (default: cpu)"),
        ("--device-id", SidecarOptions.DeviceIdKey, "GPU device id for CUDA (default: 0)"),
        ("--intra-op-threads", SidecarOptions.IntraOpThreadsKey, "ORT intra-op threads (default: 0 = the CPUs this process may use)"),
        ("--inter-op-threads", SidecarOptions.InterOpThreadsKey, "ORT inter-op threads (default: 0 = ORT decides)"),
        ("--graph-optimization", SidecarOptions.GraphOptimizationKey, "all | extended | basic | disable (default: all)"),
        ("--max-batch-size", SidecarOptions.MaxBatchSizeKey, "rows per merged run; 1 = batching off (default: 1)"),
        ("--max-batch-delay", SidecarOptions.MaxBatchDelayKey, "longest wait to fill a batch, e.g. 2ms (default: 2ms)"),
        ("--max-body-bytes", SidecarOptions.MaxBodyBytesKey, "largest request body (default: 67108864)"),
        ("--max-tensor-elements", SidecarOptions.MaxTensorElementsKey, "largest input tensor in elements (default: 16777216)"),
        ("--max-inflight", SidecarOptions.MaxInflightKey, "requests processed at once (default: 64)"),
        ("--max-queue", SidecarOptions.MaxQueueKey, "requests waiting beyond that before 503 (default: 256)"),
        ("--access-log", SidecarOptions.AccessLogKey, "one log line per HTTP request; a switch, or =true/=false (default: off)"),
        ("--warmup-request", SidecarOptions.WarmupRequestKey, "FILE with a V2 JSON infer body run before ready; startup fails if it fails"),
        ("--shutdown-delay", SidecarOptions.ShutdownDelayKey, "after SIGTERM, serve (not ready) this long before closing the listener, e.g. 5s (default: 5s)"),
        ("--fault-error-rate", FaultSettings.ErrorRateKey, "tests/chaos only: fraction 0..1 of infer requests answered 500 (default: 0)"),
        ("--fault-latency-ms", FaultSettings.LatencyMsKey, "tests/chaos only: milliseconds added to every infer request (default: 0)"),
    ];

    /// <summary>Flags that need no value: alone they mean true.</summary>
    private static readonly HashSet<string> Switches = ["--access-log"];

    public static string Usage =>
        "Usage: MlOperator.Inference.Sidecar --model PATH [options]\n\nOptions (each also as an environment variable):\n" +
        string.Join("\n", Flags.Select(f => $"  {f.Flag,-24} {f.Key,-26} {f.Help}")) + "\n";

    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase) { "environment", "contentRoot", "applicationName", "urls" };

    /// <summary>MLOP_* keys, ASP.NET Core host keys and section paths (Logging:LogLevel:Default) pass through as configuration.</summary>
    private static bool IsConfigurationKey(string key) =>
        key.StartsWith("MLOP_", StringComparison.Ordinal) || key.Contains(':') || key == "Logging" || HostKeys.Contains(key);

    /// <summary>Parses <c>--flag value</c> and <c>--flag=value</c>; returns null for --help.</summary>
    public static Dictionary<string, string?>? Parse(IReadOnlyList<string> args)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                return null;
            }

            var (flag, value) = arg.IndexOf('=') is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            var match = Flags.FirstOrDefault(f => f.Flag == flag);
            if (match.Key is null && value is not null && IsConfigurationKey(flag[2..]))
            {
                result[flag[2..]] = value; // --KEY=value for configuration (also how WebApplicationFactory passes settings)
                continue;
            }

            if (match.Key is null)
            {
                throw new SidecarOptionsException($"unknown argument '{arg}'\n\n{Usage}");
            }

            if (value is null && Switches.Contains(flag))
            {
                value = "true";
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new SidecarOptionsException($"{flag} needs a value");
                }

                value = args[++i];
            }

            result[match.Key] = value;
        }

        return result;
    }
}
