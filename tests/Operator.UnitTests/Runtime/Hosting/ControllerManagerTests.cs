using k8s.Models;
using MlOperator.Operator.Runtime.Hosting;
using MlOperator.Operator.UnitTests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MlOperator.Operator.UnitTests.Runtime.Hosting;

public sealed class ControllerManagerTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(500);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeKubeClient _client;
    private readonly List<ControllerManager> _managers = [];

    public ControllerManagerTests()
    {
        _client = new FakeKubeClient(_time);
        _client.Seed(Widget.Named("a"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Without_leader_election_it_syncs_caches_then_runs_controllers()
    {
        var reconciler = new RecordingReconciler();
        var manager = await StartAsync(new ManagerOptions { LeaderElection = false, Namespace = "ns" }, reconciler);

        await Eventually.TrueAsync(() => manager.CachesSynced, "caches synced");
        await Eventually.TrueAsync(() => reconciler.CallsFor("ns", "a") == 1, "reconciled");
        Assert.True(manager.IsLeader);
        Assert.True(manager.IsRunning);
        Assert.Same(manager.GetInformer<Widget>(), manager.Informers.GetInformer<Widget>("ns"));
    }

    [Fact]
    public async Task Only_the_leader_runs_controllers_and_a_standby_takes_over_after_a_graceful_stop()
    {
        var first = new RecordingReconciler();
        var second = new RecordingReconciler();
        var one = await StartAsync(Elected("one"), first);
        await Eventually.AdvanceUntilAsync(_time, Step, () => one.IsLeader && first.Calls.Count == 1, "one leads and reconciles");
        var two = await StartAsync(Elected("two"), second);

        await Eventually.AdvanceUntilAsync(_time, Step, () => two.CachesSynced, "standby caches synced");
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(Step);
            await Task.Delay(2);
        }

        Assert.False(two.IsLeader);
        Assert.Empty(second.Calls);

        await one.StopAsync(CancellationToken.None);
        Assert.False(one.IsLeader);
        Assert.Null(_client.Peek<V1Lease>("ml-operator-leader", "default")!.Spec.HolderIdentity);

        await Eventually.AdvanceUntilAsync(_time, Step, () => two.IsLeader && second.CallsFor("ns", "a") == 1, "two leads and reconciles");
        await Eventually.TrueAsync(
            () => _client.ListAsync<Corev1Event>("default").Result.Items.Select(e => e.Message).Order().SequenceEqual(["one became leader", "two became leader"]),
            "leadership events on the lease");
    }

    [Fact]
    public async Task Losing_leadership_stops_controllers_but_keeps_caches()
    {
        var reconciler = new RecordingReconciler();
        var manager = await StartAsync(Elected("one"), reconciler);
        await Eventually.AdvanceUntilAsync(_time, Step, () => manager.IsLeader && reconciler.Calls.Count == 1, "leads");

        _client.FailNext("update", FakeKubeClient.ServerError(), times: 1000);
        await Eventually.AdvanceUntilAsync(_time, Step, () => !manager.IsLeader, "stepped down");

        await Eventually.TrueAsync(() => manager.Controllers.All(c => c.Queue is null), "controllers stopped");
        Assert.True(manager.CachesSynced);
        await _client.CreateAsync(Widget.Named("b"));
        await Task.Delay(50);
        Assert.Equal(0, reconciler.CallsFor("ns", "b"));
    }

    [Fact]
    public void Controllers_cannot_share_a_name()
    {
        var manager = new ControllerManager(_client, new ManagerOptions(), NullLoggerFactory.Instance, _time);
        manager.NewController("widgets").For<Widget>().Complete(new RecordingReconciler());

        Assert.Throws<InvalidOperationException>(() => manager.NewController("widgets").For<Widget>().Complete(new RecordingReconciler()));
    }

    [Fact]
    public void AddControllerManager_registers_the_manager_as_hosted_service_and_health()
    {
        var services = new ServiceCollection();
        services.AddSingleton<MlOperator.Operator.Kube.Client.IKubeClient>(_client);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddControllerManager(new ManagerOptions { LeaderElection = false }, (_, m) => m.NewController("widgets").For<Widget>().Complete(new RecordingReconciler()));
        using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<ControllerManager>();
        Assert.Equal("widgets", Assert.Single(manager.Controllers).Name);
        Assert.Same(manager, provider.GetRequiredService<IManagerHealth>());
        Assert.Same(manager, provider.GetServices<IHostedService>().Single());
        Assert.Same(manager.Informers, provider.GetRequiredService<MlOperator.Operator.Runtime.Cache.SharedInformerFactory>());
        Assert.Same(manager.Events, provider.GetRequiredService<MlOperator.Operator.Runtime.Events.IEventRecorder>());
        Assert.False(manager.CachesSynced);
    }

    private static ManagerOptions Elected(string identity) => new() { Namespace = "ns", Identity = identity };

    private async Task<ControllerManager> StartAsync(ManagerOptions options, RecordingReconciler reconciler)
    {
        var manager = new ControllerManager(_client, options, NullLoggerFactory.Instance, _time);
        manager.NewController("widgets").For<Widget>().Complete(reconciler);
        _managers.Add(manager);
        await manager.StartAsync(CancellationToken.None);
        return manager;
    }
}
