using MlOperator.Operator.IntegrationTests.Fixtures;
using MlOperator.Operator.Kube.Client;
using k8s.Models;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Kubernetes.Emulator;
using Microsoft.Extensions.Logging.Abstractions;

namespace MlOperator.Operator.IntegrationTests.Runtime;

/// <summary>
/// The informer over real HTTP: watch ends, 410 Gone, throttling and bookmarks. Faults are injected only on the
/// emulator; against a real cluster (E2E_KUBECONFIG) the same tests check that nothing is lost.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InformerIntegrationTests(TestCluster cluster) : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _adds = [];
    private readonly IKubeClient _client = cluster.NewClient();
    private Task _run = Task.CompletedTask;
    private string _ns = "";

    private FaultInjector? Faults => cluster.Emulator?.Faults;

    private long _listsBefore;
    private long _watchesBefore;

    public async Task InitializeAsync()
    {
        _ns = await cluster.CreateNamespaceAsync("informer");
        // The emulator is shared by the whole collection: count only this test's requests.
        _listsBefore = Faults?.Count("list", "configmaps") ?? 0;
        _watchesBefore = Faults?.Count("watch", "configmaps") ?? 0;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        Faults?.ClearDelays();
        Faults?.ClearFailures();
        (_client as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task A_dropped_watch_loses_no_event_and_does_not_relist()
    {
        var informer = await StartAsync();
        await CreateAsync("before");
        await TestCluster.EventuallyAsync(() => Seen("before"), "first object seen");

        Faults?.DropWatches();
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync($"after-{i}");
        }

        await TestCluster.EventuallyAsync(() => Enumerable.Range(0, 5).All(i => Seen($"after-{i}")), "objects created around the drop seen");
        Assert.All(Adds(), a => Assert.Equal(1, Adds().Count(x => x == a)));
        if (cluster.IsEmulated)
        {
            Assert.Equal(1, Requests("list"));
            Assert.True(Requests("watch") >= 2);
        }

        Assert.Equal(6, Ours(informer).Count);
    }

    [Fact]
    public async Task Relists_after_410_Gone_and_delivers_each_missed_object_once()
    {
        var informer = await StartAsync();
        await CreateAsync("before");
        await TestCluster.EventuallyAsync(() => Seen("before"), "first object seen");

        // Hold the re-watch back while objects change and history is compacted: it then asks for a
        // resourceVersion the server no longer has.
        Faults?.Delay(TimeSpan.FromSeconds(2), "watch", "configmaps");
        Faults?.DropWatches();
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync($"missed-{i}");
        }

        await _client.DeleteAsync<V1ConfigMap>("before", _ns);
        Faults?.CompactHistory();
        Faults?.ClearDelays();

        await TestCluster.EventuallyAsync(() => Ours(informer).Count == 3 && informer.Get(_ns, "before") is null, "cache equals the server again");
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(1, Adds().Count(a => a == $"missed-{i}")));
        if (cluster.IsEmulated)
        {
            Assert.True(Requests("list") >= 2, "no relist happened");
        }
    }

    [Fact]
    public async Task A_429_with_Retry_After_on_list_is_waited_out_and_the_cache_syncs()
    {
        Faults?.FailNext(1, 429, "list", "configmaps", TimeSpan.FromSeconds(1));
        await CreateAsync("present");

        var informer = await StartAsync();

        Assert.NotNull(informer.Get(_ns, "present"));
        if (cluster.IsEmulated)
        {
            Assert.Equal(2, Requests("list"));
        }
    }

    [Fact]
    public async Task Server_errors_on_list_and_watch_are_retried()
    {
        Faults?.FailNext(2, 503, "list", "configmaps");
        Faults?.FailNext(2, 500, "watch", "configmaps");
        var informer = await StartAsync();

        await CreateAsync("later");

        await TestCluster.EventuallyAsync(() => informer.Get(_ns, "later") is not null, "watch established despite errors");
    }

    [Fact]
    public async Task Bookmarks_move_the_resume_point_past_changes_elsewhere()
    {
        var informer = await StartAsync();
        var other = await cluster.CreateNamespaceAsync("elsewhere");
        await _client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x", NamespaceProperty = other } });
        if (!cluster.IsEmulated)
        {
            // Real apiservers send bookmarks about once a minute: nothing to wait for here.
            return;
        }

        var target = cluster.Emulator!.ResourceVersion;
        await TestCluster.EventuallyAsync(() => long.Parse(informer.LastSyncResourceVersion!) >= target, "bookmark received");
        Assert.Empty(Adds());
    }

    private long Requests(string verb) => Faults!.Count(verb, "configmaps") - (verb == "list" ? _listsBefore : _watchesBefore);

    /// <summary>Real clusters add a kube-root-ca.crt V1ConfigMap to every namespace; the tests count only their own.</summary>
    private static List<V1ConfigMap> Ours(Informer<V1ConfigMap> informer) =>
        [.. informer.List().Where(c => c.Metadata.Name != "kube-root-ca.crt")];

    private bool Seen(string name) => Adds().Contains(name);

    private List<string> Adds()
    {
        lock (_adds)
        {
            return [.. _adds.Where(a => a != "kube-root-ca.crt")];
        }
    }

    private Task CreateAsync(string name) =>
        _client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _ns }, Data = new Dictionary<string, string> { ["k"] = name } });

    private async Task<Informer<V1ConfigMap>> StartAsync()
    {
        var informer = new Informer<V1ConfigMap>(_client, new InformerOptions { Namespace = _ns }, TimeProvider.System, NullLogger.Instance);
        informer.AddEventHandler(new ResourceEventHandler<V1ConfigMap>(OnAdd: o =>
        {
            lock (_adds)
            {
                _adds.Add(o.Metadata.Name!);
            }
        }));
        _run = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        return informer;
    }
}
