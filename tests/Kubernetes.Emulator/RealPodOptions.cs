namespace MlOperator.Kubernetes.Emulator;

/// <summary>
/// Real pod mode (<see cref="EmulatorOptions.RealPods"/>): every Pod whose spec has the inference sidecar's container
/// (named <c>inference</c>) and whose model maps to a local file runs the built sidecar as a process on its own
/// loopback IP from 127.1.0.0/16, so <c>podIP:containerPort</c> answers as on a cluster; readiness comes from its
/// <c>/v2/health/ready</c>, an exit restarts it with CrashLoopBackOff back-off, and each Service with a selector gets
/// a TCP proxy over its Ready pods (<see cref="KubeEmulator.ServiceUrl"/>). Other pods stay simulated.
/// Needs <see cref="EmulatorOptions.SimulateControllers"/>.
/// </summary>
public sealed record RealPodOptions
{
    /// <summary>The built sidecar: a .dll (run with dotnet) or an executable.</summary>
    public required string SidecarPath { get; init; }

    /// <summary>Model URI as the pod has it (pvc://claim/path, file:///path, https://…) → local .onnx file.</summary>
    public IReadOnlyDictionary<string, string> Models { get; init; } = new Dictionary<string, string>();

    /// <summary>Consulted after <see cref="Models"/>; null or a missing file leaves the pod unmapped. file:/// URIs whose path exists map to it last.</summary>
    public Func<string, string?>? ResolveModel { get; init; }

    /// <summary>Extra environment for the processes of pods a selector matches, in order (a later rule wins); e.g. fault injection for one version.</summary>
    public IReadOnlyList<PodEnvRule> PodEnv { get; init; } = [];

    /// <summary>First CrashLoopBackOff delay (on <see cref="EmulatorOptions.TimeProvider"/>); doubles per restart up to <see cref="MaxBackOff"/>.</summary>
    public TimeSpan InitialBackOff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackOff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound on a pod's terminationGracePeriodSeconds before SIGKILL.</summary>
    public TimeSpan MaxGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When set, each pod's output goes to {LogDirectory}/{namespace}_{pod}.log.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>Where the emulator reports what it starts (service proxy addresses, pod exits); null is silent.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// The host a .dll runs with: the one `dotnet test` or `dotnet run` names (DOTNET_HOST_PATH), the dotnet running
    /// this process, else dotnet on PATH. Public for tests that start other built .dlls (the operator) the same way.
    /// </summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    /// <summary>The local file for a model URI, or null.</summary>
    public string? ModelFile(string uri)
    {
        if (Models.TryGetValue(uri, out var mapped)) return File.Exists(mapped) ? Path.GetFullPath(mapped) : null;
        if (ResolveModel?.Invoke(uri) is { } resolved && File.Exists(resolved)) return Path.GetFullPath(resolved);
        if (uri.StartsWith("file:///", StringComparison.Ordinal) && File.Exists(uri["file://".Length..])) return uri["file://".Length..];
        return null;
    }
}
