namespace MlOperator.Kubernetes.Emulator;

/// <summary>How a <see cref="KubeEmulator"/> serves. Defaults: plain http on 127.0.0.1, a free port, no auth, no controllers.</summary>
public sealed record EmulatorOptions
{
    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>When set, every request must carry <c>Authorization: Bearer {Token}</c> (401 Status otherwise).</summary>
    public string? Token { get; init; }

    /// <summary>Serve https with a self-signed certificate generated in process; the kubeconfig carries it as certificate-authority-data.</summary>
    public bool Tls { get; init; }

    /// <summary>Run the garbage collector, Deployment and ResourceQuota controllers.</summary>
    public bool SimulateControllers { get; init; }

    /// <summary>Watch events remembered per resource; older resourceVersions get 410 Expired.</summary>
    public int WatchHistorySize { get; init; } = 10_000;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often watches with allowWatchBookmarks get a BOOKMARK.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Simulated pods turn Ready this long after creation (on <see cref="TimeProvider"/>), unless a test drives them.</summary>
    public TimeSpan PodReadyDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Run the inference sidecar's pods as real processes (see <see cref="RealPodOptions"/>); null keeps every pod simulated.</summary>
    public RealPodOptions? RealPods { get; init; }
}
