using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Config;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.IntegrationTests.Runtime;

namespace MlOperator.Operator.IntegrationTests;

/// <summary>
/// THE switch between the in-process emulator and a real cluster: when <c>E2E_KUBECONFIG</c> names a kubeconfig,
/// tests run against that cluster; otherwise against a fresh <see cref="KubeEmulator"/> over real HTTP.
/// Fault hooks act only on the emulator (a real cluster cannot be told to drop watches); on a real cluster
/// they do nothing and the tests still check convergence. Each test works in its own namespace.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly string? _kubeconfigPath;
    private readonly List<string> _namespaces = [];
    private readonly KubeClient _admin;

    private TestCluster(KubeEmulator? emulator, KubeClientConfig config, string? kubeconfigPath)
    {
        Emulator = emulator;
        Config = config;
        _kubeconfigPath = kubeconfigPath;
        _admin = KubeClient.FromConfig(config);
    }

    public const string E2EVariable = "E2E_KUBECONFIG";

    /// <summary>Null when running against a real cluster.</summary>
    public KubeEmulator? Emulator { get; }

    public bool IsEmulated => Emulator is not null;

    public KubeClientConfig Config { get; }

    public static async Task<TestCluster> StartAsync(EmulatorOptions? options = null)
    {
        var e2e = Environment.GetEnvironmentVariable(E2EVariable);
        if (!string.IsNullOrEmpty(e2e))
        {
            return new TestCluster(null, KubeConfigLoader.LoadKubeConfig([e2e]), null);
        }

        var emulator = await KubeEmulator.StartAsync(options ?? new EmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        var path = Path.Combine(Path.GetTempPath(), $"mlop-it-{Guid.NewGuid():n}.kubeconfig");
        emulator.WriteKubeconfig(path);
        return new TestCluster(emulator, KubeConfigLoader.LoadKubeConfig([path]), path);
    }

    /// <summary>A client of its own (each manager in a test gets one, as separate processes would).</summary>
    public KubeClient NewClient(KubeClientOptions? options = null) => KubeClient.FromConfig(Config, options);

    /// <summary>Creates a uniquely named namespace, deleted again on dispose.</summary>
    public async Task<string> CreateNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("n")[..6]}";
        await _admin.CreateAsync(new TestNamespace { Metadata = new ObjectMeta { Name = name } });
        _namespaces.Add(name);
        return name;
    }

    public void DropWatches() => Emulator?.Faults.DropWatches();

    public void CompactHistory() => Emulator?.Faults.CompactHistory();

    public void FailNext(int count, int statusCode, string verb, string resource, TimeSpan? retryAfter = null) =>
        Emulator?.Faults.FailNext(count, statusCode, verb, resource, retryAfter);

    public void DelayRequests(TimeSpan delay, string verb, string resource) => Emulator?.Faults.Delay(delay, verb, resource);

    public void ClearDelays() => Emulator?.Faults.ClearDelays();

    /// <summary>Requests the emulator saw; null against a real cluster.</summary>
    public long? Count(string verb, string resource) => Emulator?.Faults.Count(verb, resource);

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in _namespaces)
        {
            try
            {
                await _admin.DeleteAsync<TestNamespace>(ns);
            }
            catch (KubeApiException)
            {
            }
        }

        _admin.Dispose();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        if (_kubeconfigPath is not null)
        {
            File.Delete(_kubeconfigPath);
        }
    }
}
