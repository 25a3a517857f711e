using MlOperator.Kubernetes.Emulator;
using Xunit.Abstractions;
using Xunit.Sdk;
using Testcontainers.K3s;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>
/// The cluster integration tests run against, chosen by <see cref="ClusterSelection"/>: the cluster in E2E_KUBECONFIG,
/// else K3s in Docker (Testcontainers.K3s) when a Docker daemon answers or E2E_K3S=1, else an in-process API emulator
/// with simulated controllers (garbage collection, Deployments, quotas). This is the one place that choice is made,
/// and it is announced; tests never skip silently. The shipped CRDs from config/crds are installed first and their
/// absence fails the run.
/// </summary>
public sealed class TestCluster(IMessageSink diagnostics) : IAsyncLifetime
{
    public const string E2EVariable = ClusterSelection.KubeconfigVariable;

    /// <summary>The K3s image; k3s 1.33 matches the kubectl the Makefile fetches.</summary>
    public const string K3sImage = "rancher/k3s:v1.33.1-k3s1";

    private readonly string _workDir = Directory.CreateTempSubdirectory("mlop-it-").FullName;
    private int _namespaces;
    private K3sContainer? _k3s;

    /// <summary>Null against a real cluster: tests that need the emulator's knobs check <see cref="IsEmulated"/>.</summary>
    public KubeEmulator? Emulator { get; private set; }

    public bool IsEmulated => Emulator is not null;

    public ClusterKind Kind { get; private set; }

    public string KubeconfigPath { get; private set; } = "";

    public KubeConnection Config { get; private set; } = null!;

    public IKubeClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var selection = ClusterSelection.Current;
        Kind = selection.Kind;
        diagnostics.OnMessage(new DiagnosticMessage(selection.Reason));
        switch (selection.Kind)
        {
            case ClusterKind.Kubeconfig:
                KubeconfigPath = selection.Kubeconfig!;
                break;
            case ClusterKind.K3s:
                _k3s = new K3sBuilder(K3sImage).Build();
                await _k3s.StartAsync();
                KubeconfigPath = Path.Combine(_workDir, "kubeconfig");
                await File.WriteAllTextAsync(KubeconfigPath, await _k3s.GetKubeconfigAsync());
                break;
            default:
                Emulator = await KubeEmulator.StartAsync(new EmulatorOptions { SimulateControllers = true, PodReadyDelay = TimeSpan.FromMilliseconds(200) });
                KubeconfigPath = Path.Combine(_workDir, "kubeconfig");
                Emulator.WriteKubeconfig(KubeconfigPath);
                break;
        }

        Config = KubeConnectionLoader.Load(new KubeConnectionOptions { Path = KubeconfigPath });
        Client = NewClient();
        await InstallCrdsAsync(Client);
    }

    public IKubeClient NewClient(KubeClientOptions? options = null) => KubeClient.Create(Config, options);

    /// <summary>A fresh namespace per test, so tests never see each other's objects.</summary>
    public async Task<string> CreateNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _namespaces)}-{Guid.NewGuid().ToString("N")[..6]}";
        await Client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    /// <summary>Polls until the condition holds; the bound is generous because the machine may be busy. Fails with the last observation.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> observe, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        T last;
        while (true)
        {
            last = await observe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; last seen: {Describe(last)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Polls until the condition holds (same bound as above); for conditions on in-process state.</summary>
    public static Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? within = null) =>
        EventuallyAsync(() => Task.FromResult(condition()), ok => ok, what, within);

    public async Task DisposeAsync()
    {
        (Client as IDisposable)?.Dispose();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        if (_k3s is not null)
        {
            await _k3s.DisposeAsync();
        }

        Directory.Delete(_workDir, recursive: true);
    }

    /// <summary>Applies the generated CRDs (config/crds) and waits until they are served.</summary>
    public static async Task InstallCrdsAsync(IKubeClient client)
    {
        var dir = Path.Combine(RepoPaths.Root, "config", "crds");
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.yaml") : [];
        if (files.Length == 0)
        {
            throw new InvalidOperationException($"no CRDs in {dir}: run `make generate`");
        }

        foreach (var file in files)
        {
            var crd = KubeYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file));
            await client.ApplyAsync(crd, new ApplyOptions("mloperator-tests", Force: true));
        }

        // Established before use, as a real apiserver needs a moment to serve a new CRD.
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file).Split('_') is [var group, var plural] ? $"{plural}.{group}" : null;
            if (name is not null)
            {
                await EventuallyAsync(() => client.TryGetAsync<V1CustomResourceDefinition>(name), c => c?.Status?.Conditions?.Any(x => x.Type == "Established" && x.Status == "True") == true, $"CRD {name} established");
            }
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        IKubernetesObject<V1ObjectMeta> o => KubeJson.Serialize((object)o),
        _ => value.ToString() ?? "",
    };
}
