using MlOperator.Operator.IntegrationTests.Fixtures;
using MlOperator.Operator.Kube.Client;
using k8s.Models;
using MlOperator.Operator.Runtime.Hosting;
using MlOperator.Operator.Runtime.LeaderElection;
using MlOperator.Kubernetes.Emulator;
using Microsoft.Extensions.Logging.Abstractions;

namespace MlOperator.Operator.IntegrationTests.Runtime;

/// <summary>The manager, informers, queue and a small reconciler together over real HTTP.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ManagerIntegrationTests(TestCluster cluster) : IAsyncLifetime
{
    private readonly List<(ControllerManager Manager, IKubeClient Client)> _managers = [];
    private readonly IKubeClient _client = cluster.NewClient();
    private string _ns = "";

    private FaultInjector? Faults => cluster.Emulator?.Faults;

    public async Task InitializeAsync() => _ns = await cluster.CreateNamespaceAsync("manager");

    public async Task DisposeAsync()
    {
        foreach (var (manager, client) in _managers)
        {
            await manager.StopAsync(CancellationToken.None);
            (client as IDisposable)?.Dispose();
        }

        Faults?.ClearFailures();
        (_client as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task Converges_creates_and_updates_through_the_caches()
    {
        var (manager, _) = await StartManagerAsync(leaderElection: false);
        for (var i = 0; i < 5; i++)
        {
            await CreateSourceAsync($"cm-{i}", $"v{i}");
        }

        await TestCluster.EventuallyAsync(() => AllCopiedAsync(5), ok => ok, "five copies");
        var cm = await _client.GetAsync<V1ConfigMap>("cm-0", _ns);
        cm.Data = new Dictionary<string, string> { ["value"] = "changed" };
        await _client.UpdateAsync(cm);

        await TestCluster.EventuallyAsync(() => AllCopiedAsync(5), ok => ok, "update copied");
        Assert.True(manager.CachesSynced);
        Assert.True(manager.IsLeader);
    }

    [Fact]
    public async Task Server_errors_on_writes_are_retried_until_converged()
    {
        Faults?.FailNext(3, 503, "create", "secrets");
        var creates = Faults?.Count("create", "secrets") ?? 0;
        await StartManagerAsync(leaderElection: false);

        await CreateSourceAsync("flaky", "x");

        await TestCluster.EventuallyAsync(() => AllCopiedAsync(1), ok => ok, "copy created despite 503s");
        if (cluster.IsEmulated)
        {
            Assert.True(Faults!.Count("create", "secrets") - creates >= 4);
        }
    }

    [Fact]
    public async Task Conflicts_from_a_concurrent_writer_end_in_convergence()
    {
        await StartManagerAsync(leaderElection: false);
        await CreateSourceAsync("contested", "truth");
        await TestCluster.EventuallyAsync(() => AllCopiedAsync(1), ok => ok, "copy created");

        Faults?.FailNext(1, 409, "update", "secrets");
        for (var i = 0; i < 10; i++)
        {
            try
            {
                var copy = await _client.GetAsync<V1Secret>(CopyReconciler.CopyName("contested"), _ns);
                copy.Data = CopyReconciler.Encode(new Dictionary<string, string> { ["value"] = $"tampered-{i}" });
                await _client.UpdateAsync(copy);
            }
            catch (ConflictException)
            {
                // The controller got there first; that is the race we want.
            }
        }

        await TestCluster.EventuallyAsync(() => AllCopiedAsync(1), ok => ok, "the controller's value wins in the end");
    }

    [Fact]
    public async Task Two_managers_elect_exactly_one_leader_and_the_other_takes_over_on_stop()
    {
        var (first, _) = await StartManagerAsync(leaderElection: true, "one");
        await TestCluster.EventuallyAsync(() => first.IsLeader, "first leads");
        var (second, _) = await StartManagerAsync(leaderElection: true, "two");
        await TestCluster.EventuallyAsync(() => second.CachesSynced, "standby warm");

        await CreateSourceAsync("work", "1");
        await TestCluster.EventuallyAsync(() => AllCopiedAsync(1), ok => ok, "leader reconciles");
        for (var i = 0; i < 20; i++)
        {
            Assert.False(first.IsLeader && second.IsLeader, "two leaders at once");
            await Task.Delay(50);
        }

        Assert.False(second.IsLeader);
        await first.StopAsync(CancellationToken.None);

        await TestCluster.EventuallyAsync(() => second.IsLeader, "standby takes over");
        await CreateSourceAsync("more", "2");
        await TestCluster.EventuallyAsync(() => AllCopiedAsync(2), ok => ok, "new leader reconciles");
        var lease = await _client.GetAsync<V1Lease>("runtime-it", _ns);
        Assert.Equal("two", lease.Spec.HolderIdentity);
    }

    [Fact]
    public async Task A_leader_that_vanishes_without_releasing_is_replaced_after_the_lease_expires()
    {
        var config = new LeaderElectionConfig(_ns, "crash-test", "a")
        {
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(300),
            ReleaseOnCancel = false,
        };
        var clientA = cluster.NewClient();
        var clientB = cluster.NewClient();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var a = new LeaderElector(clientA, config, TimeProvider.System, NullLogger.Instance);
        var b = new LeaderElector(clientB, config with { Identity = "b" }, TimeProvider.System, NullLogger.Instance);
        var runA = a.RunAsync(stopA.Token);
        await TestCluster.EventuallyAsync(() => a.IsLeader, "a leads");
        var runB = b.RunAsync(stopB.Token);

        await stopA.CancelAsync();
        await runA;
        Assert.Equal("a", (await _client.GetAsync<V1Lease>("crash-test", _ns)).Spec.HolderIdentity);

        await TestCluster.EventuallyAsync(() => b.IsLeader, "b takes over after expiry");
        Assert.Equal(1, (await _client.GetAsync<V1Lease>("crash-test", _ns)).Spec.LeaseTransitions);
        await stopB.CancelAsync();
        await runB;
    }

    private async Task<bool> AllCopiedAsync(int expected)
    {
        var sources = (await _client.ListAsync<V1ConfigMap>(_ns)).Items.Where(c => c.Metadata.Name != "kube-root-ca.crt").ToList();
        var copies = (await _client.ListAsync<V1Secret>(_ns)).Items.ToDictionary(s => s.Metadata.Name!);
        return sources.Count == expected && sources.All(s =>
            copies.TryGetValue(CopyReconciler.CopyName(s.Metadata.Name!), out var copy)
            && CopyReconciler.Same(copy.Data, CopyReconciler.Encode(s.Data))
            && copy.Metadata.OwnerReferences?.SingleOrDefault()?.Uid == s.Metadata.Uid);
    }

    private Task CreateSourceAsync(string name, string value) =>
        _client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _ns }, Data = new Dictionary<string, string> { ["value"] = value } });

    private async Task<(ControllerManager, CopyReconciler)> StartManagerAsync(bool leaderElection, string? identity = null)
    {
        var client = cluster.NewClient();
        var manager = new ControllerManager(client, new ManagerOptions
        {
            Namespace = _ns,
            LeaderElection = leaderElection,
            Identity = identity,
            LeaseName = "runtime-it",
            LeaseNamespace = _ns,
            LeaseDuration = TimeSpan.FromSeconds(4),
            RenewDeadline = TimeSpan.FromSeconds(3),
            RetryPeriod = TimeSpan.FromMilliseconds(300),
        }, NullLoggerFactory.Instance, TimeProvider.System);
        var reconciler = new CopyReconciler(client, manager.GetInformer<V1ConfigMap>(), manager.GetInformer<V1Secret>());
        manager.NewController("copy").For<V1ConfigMap>().Owns<V1Secret>().Complete(reconciler);
        _managers.Add((manager, client));
        await manager.StartAsync(CancellationToken.None);
        return (manager, reconciler);
    }
}
