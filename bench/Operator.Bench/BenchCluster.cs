using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube;
using k8s.Models;

namespace MlOperator.Operator.Bench;

/// <summary>An in-process emulator, a kubeconfig for it, and an unthrottled client (throttling would measure the limiter, not the code).</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly string _dir;

    private BenchCluster(KubeEmulator emulator, KubeConnection config, string dir)
    {
        _dir = dir;
        Emulator = emulator;
        Config = config;
        Client = NewClient();
    }

    public KubeEmulator Emulator { get; }

    public KubeConnection Config { get; }

    public KubeClient Client { get; }

    public static KubeClientOptions Unthrottled { get; } = new() { Qps = 0, RequestTimeout = TimeSpan.FromSeconds(120) };

    public static async Task<BenchCluster> StartAsync(EmulatorOptions options, CancellationToken ct)
    {
        var emulator = await KubeEmulator.StartAsync(options, ct);
        var dir = Directory.CreateTempSubdirectory("mlop-bench-kc-").FullName;
        var path = Path.Combine(dir, "kubeconfig");
        emulator.WriteKubeconfig(path);
        var config = KubeConnectionLoader.Load(new KubeConnectionOptions { Path = path });
        return new BenchCluster(emulator, config, dir);
    }

    public KubeClient NewClient(KubeClientOptions? options = null) => KubeClient.Create(Config, options ?? Unthrottled);

    public async Task CreateNamespaceAsync(string name, CancellationToken ct) =>
        await Client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, ct);

    /// <summary>The shipped CRDs, applied in process (the emulator serves a CRD as soon as it is stored).</summary>
    public async Task InstallCrdsAsync(CancellationToken ct)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "config", "crds"), "*.yaml"))
        {
            await Emulator.ApplyManifestAsync(await File.ReadAllTextAsync(file, ct), "mloperator-bench", ct);
        }
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlOperator.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
