using MlOperator.Operator.Analysis;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Runtime.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>The real controller manager with the ModelDeployment controller, scoped to one test namespace.</summary>
public sealed class OperatorRunner : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private OperatorRunner(ControllerManager manager, IKubeClient client)
    {
        Manager = manager;
        Client = client;
    }

    public ControllerManager Manager { get; }

    public IKubeClient Client { get; }

    public ModelDeploymentReconciler Reconciler { get; private init; } = null!;

    /// <param name="metrics">Where canary analysis reads pod metrics (tests without real sidecars script them).</param>
    public static Task<OperatorRunner> StartAsync(TestCluster cluster, string ns, IRevisionMetrics? metrics = null) =>
        StartAsync(cluster.NewClient(), ns, metrics);

    /// <summary>The operator on its own client (disposed with the runner); without <paramref name="metrics"/> it scrapes the pods' real /metrics.</summary>
    public static async Task<OperatorRunner> StartAsync(IKubeClient client, string ns, IRevisionMetrics? metrics = null)
    {
        var manager = new ControllerManager(client, new ManagerOptions { Namespace = ns, LeaderElection = false, Workers = 2 },
            NullLoggerFactory.Instance, TimeProvider.System);
        var controller = ModelDeploymentController.Register(manager, client, ModelDeploymentDefaults.Default, NullLoggerFactory.Instance, TimeProvider.System, workers: 2, metrics: metrics);
        var runner = new OperatorRunner(manager, client) { Reconciler = (ModelDeploymentReconciler)controller.Reconciler };
        await manager.StartAsync(runner._stop.Token);
        await TestCluster.EventuallyAsync(() => Task.FromResult(manager.CachesSynced), synced => synced, "operator caches synced");
        return runner;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Manager.StopAsync(CancellationToken.None);
        Manager.Dispose();
        (Client as IDisposable)?.Dispose();
        _stop.Dispose();
    }
}
