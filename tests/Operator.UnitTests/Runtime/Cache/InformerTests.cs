using MlOperator.Operator.Kube.Client;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.UnitTests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace MlOperator.Operator.UnitTests.Runtime.Cache;

public sealed class InformerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeKubeClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly HandlerLog<Widget> _log = new();

    public InformerTests() => _client = new FakeKubeClient(_time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    [Fact]
    public async Task Lists_then_watches_from_the_list_resourceVersion()
    {
        _client.Seed(Widget.Named("a"));
        _client.Seed(Widget.Named("b"));
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });

        await _client.CreateAsync(Widget.Named("c"));
        await Eventually.TrueAsync(() => _log.Entries.Count == 3, "three adds");

        Assert.Equal(["add:a", "add:b", "add:c"], _log.Entries);
        var calls = _client.Calls.Where(c => c.Resource == "widgets.test.mloperator.io").ToList();
        Assert.Equal("list", calls[0].Verb);
        Assert.Equal("watch", calls[1].Verb);
        Assert.Equal("102", calls[1].ResourceVersion);
        Assert.Equal(3, informer.List().Count);
    }

    [Fact]
    public async Task Caches_objects_without_managedFields_from_lists_and_watches()
    {
        var listed = Widget.Named("a");
        listed.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Apply" }];
        _client.Seed(listed);
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });
        var watched = Widget.Named("b");
        watched.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Apply" }];

        await _client.CreateAsync(watched);
        await Eventually.TrueAsync(() => informer.List().Count == 2, "both cached");

        Assert.NotNull((await _client.GetAsync<Widget>("b", "ns")).Metadata.ManagedFields); // the server still has them
        Assert.All(informer.List(), w => Assert.Null(w.Metadata.ManagedFields));
    }

    [Fact]
    public async Task A_transform_trims_listed_and_watched_objects_before_handlers_and_readers_see_them()
    {
        var delivered = new List<Widget>();
        var listed = Widget.Named("a");
        listed.Metadata.Annotations = new Dictionary<string, string> { ["big"] = new string('x', 1000) };
        _client.Seed(listed);
        var informer = new Informer<Widget>(_client, new InformerOptions { Namespace = "ns" }, _time, NullLogger.Instance);
        informer.SetTransform(w =>
        {
            w.Metadata.Annotations = null;
            return w;
        });
        informer.AddEventHandler(new ResourceEventHandler<Widget>(OnAdd: delivered.Add, OnDelete: delivered.Add));
        _running.Add(informer.RunAsync(_stop.Token));
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Bound);
        var watched = Widget.Named("b");
        watched.Metadata.Annotations = new Dictionary<string, string> { ["big"] = "y" };

        await _client.CreateAsync(watched);
        await Eventually.TrueAsync(() => informer.List().Count == 2, "both cached");
        await _client.DeleteAsync<Widget>("b", "ns");
        await Eventually.TrueAsync(() => informer.List().Count == 1, "b deleted");

        Assert.NotNull((await _client.GetAsync<Widget>("a", "ns")).Metadata.Annotations); // the server still has them
        Assert.All(informer.List(), w => Assert.Null(w.Metadata.Annotations));
        Assert.Equal(["a", "b", "b"], delivered.Select(w => w.Metadata.Name));
        Assert.All(delivered, w => Assert.Null(w.Metadata.Annotations));
    }

    [Fact]
    public async Task A_transform_cannot_be_set_once_the_informer_runs()
    {
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });

        var error = Assert.Throws<InvalidOperationException>(() => informer.SetTransform(w => w));

        Assert.Contains("set its transform before it starts", error.Message);
    }

    [Fact]
    public async Task Resumes_from_the_last_resourceVersion_after_a_clean_watch_end()
    {
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });
        var a = await _client.CreateAsync(Widget.Named("a"));
        await Eventually.TrueAsync(() => informer.LastSyncResourceVersion == a.Metadata.ResourceVersion, "a seen");

        _client.DropWatches();
        await _client.CreateAsync(Widget.Named("b"));
        await Eventually.TrueAsync(() => _log.Count("add:b") == 1, "b seen after the watch ended");

        Assert.Equal(1, _client.CountCalls("list"));
        Assert.Contains(_client.Calls, c => c.Verb == "watch" && c.ResourceVersion == a.Metadata.ResourceVersion);
        Assert.Equal(["add:a", "add:b"], _log.Entries);
    }

    [Fact]
    public async Task Relists_after_410_Gone_without_losing_or_duplicating_events()
    {
        _client.Seed(Widget.Named("a"));
        _client.Seed(Widget.Named("b"));
        _client.Seed(Widget.Named("same"));
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });

        // The relist fails once, so the changes below happen while the informer is blind.
        _client.FailNext("list", FakeKubeClient.ServerError());
        _client.ExpireWatches();
        await Eventually.TrueAsync(() => _client.CountCalls("list") == 2 && _time.PendingTimers > 0, "relist failed and backing off");
        var a = _client.Peek<Widget>("a", "ns")!;
        a.Spec = new() { ["v"] = "2" };
        await _client.UpdateAsync(a);
        await _client.DeleteAsync<Widget>("b", "ns");
        await _client.CreateAsync(Widget.Named("c"));
        _client.Compact();

        // The relist sets its resourceVersion only after it has dispatched every difference; "c" alone can be
        // visible while the delete of "b" is still being delivered.
        var relisted = _client.ResourceVersion.ToString();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromSeconds(1), () => informer.LastSyncResourceVersion == relisted, "relisted");

        Assert.Equal(["add:a", "add:b", "add:same", "update:a", "add:c", "delete:b"], _log.Entries);
        Assert.Equal(_client.ResourceVersion.ToString(), informer.LastSyncResourceVersion);
        Assert.Equal(["a", "c", "same"], informer.List().Select(w => w.Metadata.Name).Order());
    }

    [Fact]
    public async Task Several_namespaces_are_one_cache_fed_by_one_watch_each_and_nothing_else()
    {
        _client.Seed(Widget.Named("a", "team-a"));
        _client.Seed(Widget.Named("b", "team-b"));
        _client.Seed(Widget.Named("x", "elsewhere"));
        var informer = await StartAsync(new InformerOptions { Namespace = "team-a,team-b" });

        await _client.CreateAsync(Widget.Named("a2", "team-a"));
        await _client.CreateAsync(Widget.Named("x2", "elsewhere"));
        await _client.CreateAsync(Widget.Named("b2", "team-b"));
        await Eventually.TrueAsync(() => informer.List().Count == 4, "four widgets of the two namespaces");

        Assert.Equal(["team-a/a", "team-a/a2", "team-b/b", "team-b/b2"],
            informer.List().Select(w => $"{w.Metadata.NamespaceProperty}/{w.Metadata.Name}").Order());
        Assert.Equal(["team-a", "team-b"], _client.Calls.Where(c => c.Verb == "list").Select(c => c.Namespace).Order());
        Assert.Equal(2, _client.Calls.Count(c => c.Verb == "watch"));
        Assert.DoesNotContain(_log.Entries, e => e.Contains('x'));
    }

    [Fact]
    public async Task A_relist_of_one_namespace_leaves_the_others_cached_objects_alone()
    {
        _client.Seed(Widget.Named("a", "team-a"));
        _client.Seed(Widget.Named("b", "team-b"));
        var informer = await StartAsync(new InformerOptions { Namespace = "team-a,team-b" });

        // Both watches end with 410 and both relists fail once, so "a" vanishes while the informer is blind; each
        // relist must then remove only its own namespace's vanished objects (team-a's list does not hold "b").
        _client.FailNext("list", FakeKubeClient.ServerError(), times: 2);
        _client.ExpireWatches();
        await Eventually.TrueAsync(() => _client.CountCalls("list") == 4 && _time.PendingTimers >= 2, "both relists failed and backing off");
        await _client.DeleteAsync<Widget>("a", "team-a");
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromSeconds(1), () => _client.CountCalls("list") == 6 && informer.List().Count == 1, "relisted");

        Assert.Equal(["team-b/b"], informer.List().Select(w => $"{w.Metadata.NamespaceProperty}/{w.Metadata.Name}"));
        Assert.Equal(["add:a", "add:b", "delete:a"], _log.Entries.Order());
    }

    [Fact]
    public async Task Relists_when_the_resume_resourceVersion_was_compacted()
    {
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });
        _client.FailNext("watch", FakeKubeClient.ServerError());
        _client.DropWatches();
        await _client.CreateAsync(Widget.Named("c"));
        _client.Compact();

        var relisted = _client.ResourceVersion.ToString();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromSeconds(1), () => informer.LastSyncResourceVersion == relisted, "relisted after Gone");

        Assert.Equal(2, _client.CountCalls("list"));
        Assert.Equal(["add:c"], _log.Entries);
    }

    [Fact]
    public async Task Bookmarks_advance_the_resume_resourceVersion()
    {
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });
        await _client.CreateAsync(Widget.Named("elsewhere", ns: "other"));
        await _client.CreateAsync(Widget.Named("elsewhere2", ns: "other"));
        Assert.NotEqual(_client.ResourceVersion.ToString(), informer.LastSyncResourceVersion);

        _client.SendBookmark();

        await Eventually.TrueAsync(() => informer.LastSyncResourceVersion == _client.ResourceVersion.ToString(), "bookmark applied");
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task An_ERROR_event_other_than_Gone_relists()
    {
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });
        var errorClient = new ErrorEventClient(_client);
        var second = new Informer<Widget>(errorClient, new InformerOptions { Namespace = "ns" }, _time, NullLogger.Instance);
        _running.Add(second.RunAsync(_stop.Token));

        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromSeconds(1), () => _client.CountCalls("list") >= 3, "relisted after error event");
        Assert.True(informer.HasSynced);
    }

    [Fact]
    public async Task Honours_Retry_After_on_429()
    {
        _client.FailNext("list", new TooManyRequestsException(new V1Status { Code = 429, Reason = "TooManyRequests" }, TimeSpan.FromSeconds(5)));
        var informer = new Informer<Widget>(_client, new InformerOptions { Namespace = "ns" }, _time, NullLogger.Instance);
        _running.Add(informer.RunAsync(_stop.Token));
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "waiting to retry");

        _time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(20);
        Assert.Equal(1, _client.CountCalls("list"));

        _time.Advance(TimeSpan.FromSeconds(0.1));
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Bound);
        Assert.Equal(2, _client.CountCalls("list"));
    }

    [Fact]
    public async Task Resync_redelivers_every_cached_object_as_an_update()
    {
        _client.Seed(Widget.Named("a"));
        _client.Seed(Widget.Named("b"));
        await StartAsync(new InformerOptions { Namespace = "ns", ResyncPeriod = TimeSpan.FromMinutes(1) });
        await Eventually.TrueAsync(() => _time.PendingTimers > 0, "resync timer armed");

        _time.Advance(TimeSpan.FromMinutes(1));

        await Eventually.TrueAsync(() => _log.Entries.Count == 4, "resync delivered");
        Assert.Equal(1, _log.Count("update:a"));
        Assert.Equal(1, _log.Count("update:b"));
    }

    [Fact]
    public async Task Label_selector_scopes_the_cache_and_relabelling_out_deletes()
    {
        var inScope = new Dictionary<string, string> { ["app"] = "x" };
        _client.Seed(Widget.Named("a", labels: inScope));
        _client.Seed(Widget.Named("b"));
        var informer = await StartAsync(new InformerOptions { Namespace = "ns", LabelSelector = "app=x" });

        var a = _client.Peek<Widget>("a", "ns")!;
        a.Metadata.Labels = new Dictionary<string, string> { ["app"] = "y" };
        await _client.UpdateAsync(a);

        await Eventually.TrueAsync(() => _log.Entries.Count == 2, "relabel seen");
        Assert.Equal(["add:a", "delete:a"], _log.Entries);
        Assert.Empty(informer.List());
    }

    [Fact]
    public async Task Indexes_find_objects_by_namespace_owner_and_custom_function()
    {
        var owner = _client.Seed(Widget.Named("owner"));
        _client.Seed(Widget.Named("x", ns: "other"));
        var child = Widget.Named("child");
        child.Metadata.OwnerReferences = [new V1OwnerReference { Kind = "Widget", Name = "owner", Uid = owner.Metadata.Uid! }];
        _client.Seed(child);
        var informer = new Informer<Widget>(_client, new InformerOptions(), _time, NullLogger.Instance);
        informer.AddIndex("spec.v", w => w.Spec is { } s && s.TryGetValue("v", out var v) ? [v] : []);
        _running.Add(informer.RunAsync(_stop.Token));
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Bound);

        Assert.Equal(["child", "owner"], informer.ByIndex(IndexNames.Namespace, "ns").Select(w => w.Metadata.Name).Order());
        Assert.Equal(["child"], informer.ByIndex(IndexNames.OwnerUid, owner.Metadata.Uid!).Select(w => w.Metadata.Name));
        Assert.Equal(3, informer.ByIndex("spec.v", "1").Count);
        Assert.Single(informer.List("other"));
        Assert.Throws<ArgumentException>(() => informer.ByIndex("nope", "x"));
    }

    [Fact]
    public async Task Reads_return_deep_copies_callers_may_mutate()
    {
        _client.Seed(Widget.Named("a"));
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });

        var copy = informer.Get("ns", "a")!;
        copy.Spec!["v"] = "mutated";
        copy.Metadata.Labels = new Dictionary<string, string> { ["x"] = "y" };
        informer.List()[0].Spec!["v"] = "mutated too";

        Assert.Equal("1", informer.Get("ns/a")!.Spec!["v"]);
        Assert.Null(informer.Get("ns", "a")!.Metadata.Labels);
    }

    [Fact]
    public async Task Read_only_reads_return_the_cached_objects_and_stay_as_they_were_when_the_cache_moves_on()
    {
        _client.Seed(Widget.Named("a"));
        _client.Seed(Widget.Named("b", ns: "other"));
        var informer = await StartAsync(new InformerOptions());

        var held = informer.GetReadOnly("ns", "a")!;
        Assert.Same(held, informer.GetReadOnly("ns", "a"));
        Assert.Same(held, Assert.Single(informer.ListReadOnly("ns")));
        Assert.Same(held, Assert.Single(informer.ByIndexReadOnly(IndexNames.Namespace, "ns")));
        Assert.Equal(2, informer.ListReadOnly().Count);
        Assert.Empty(informer.ListReadOnly("ns", LabelSelectorExpression.Parse("app=x")));
        Assert.Null(informer.GetReadOnly("ns", "missing"));

        // A change replaces the cached object: a reader holding the old one keeps a consistent snapshot.
        var changed = Widget.Named("a");
        changed.Spec!["v"] = "2";
        await _client.UpdateAsync(changed);
        await Eventually.TrueAsync(() => informer.GetReadOnly("ns", "a")!.Spec!["v"] == "2", "update seen");
        Assert.Equal("1", held.Spec!["v"]);
    }

    [Fact]
    public async Task A_late_handler_gets_existing_objects_and_can_unregister()
    {
        _client.Seed(Widget.Named("a"));
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });
        var late = new HandlerLog<Widget>();

        var registration = informer.AddEventHandler(late.Handler);
        Assert.Equal(["add:a"], late.Entries);
        registration.Dispose();
        await _client.CreateAsync(Widget.Named("b"));
        await Eventually.TrueAsync(() => _log.Count("add:b") == 1, "b seen");

        Assert.Equal(["add:a"], late.Entries);
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_the_others()
    {
        var informer = await StartAsync(new InformerOptions { Namespace = "ns" });
        informer.AddEventHandler(new ResourceEventHandler<Widget>(OnAdd: _ => throw new InvalidOperationException("boom")));
        var after = new HandlerLog<Widget>();
        informer.AddEventHandler(after.Handler);

        await _client.CreateAsync(Widget.Named("a"));

        await Eventually.TrueAsync(() => after.Count("add:a") == 1 && _log.Count("add:a") == 1, "both other handlers ran");
    }

    [Fact]
    public void Factory_shares_one_informer_per_kind_namespace_and_selector()
    {
        var factory = new SharedInformerFactory(_client, _time);

        Assert.Same(factory.GetInformer<Widget>("ns"), factory.GetInformer<Widget>("ns"));
        Assert.NotSame(factory.GetInformer<Widget>("ns"), factory.GetInformer<Widget>("ns", "app=x"));
        Assert.NotSame(factory.GetInformer<Widget>("ns"), factory.GetInformer<Widget>());
        Assert.Equal(3, factory.Informers.Count);
    }

    [Fact]
    public async Task Factory_starts_informers_and_late_ones_too()
    {
        _client.Seed(Widget.Named("a"));
        var factory = new SharedInformerFactory(_client, _time);
        var early = factory.GetInformer<Widget>("ns");
        factory.Start(_stop.Token);
        var late = factory.GetInformer<WidgetPart>("ns");

        await factory.WaitForCacheSyncAsync(CancellationToken.None).WaitAsync(Eventually.Bound);

        Assert.True(early.HasSynced && late.HasSynced && factory.HasSynced);
        await _stop.CancelAsync();
        await factory.WhenStoppedAsync().WaitAsync(Eventually.Bound);
    }

    private async Task<Informer<Widget>> StartAsync(InformerOptions options, Func<Widget, Widget>? transform = null)
    {
        var informer = new Informer<Widget>(_client, options, _time, NullLogger.Instance);
        if (transform is not null)
        {
            informer.SetTransform(transform);
        }

        informer.AddEventHandler(_log.Handler);
        _running.Add(informer.RunAsync(_stop.Token));
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Bound);
        await Eventually.TrueAsync(() => _client.OpenWatches > 0, "watch open");
        return informer;
    }

    /// <summary>Delegates to the fake but answers every watch with one non-410 ERROR event.</summary>
    private sealed class ErrorEventClient(FakeKubeClient inner) : IKubeClient
    {
        public Task<T> GetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.GetAsync<T>(name, ns, ct);
        public Task<T?> TryGetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.TryGetAsync<T>(name, ns, ct);
        public Task<KubernetesList<T>> ListAsync<T>(string? ns = null, ListOptions? options = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.ListAsync<T>(ns, options, ct);
        public Task<T> CreateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.CreateAsync(obj, ct);
        public Task<T> UpdateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.UpdateAsync(obj, ct);
        public Task<T> UpdateStatusAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.UpdateStatusAsync(obj, ct);
        public Task<T> PatchAsync<T>(string name, string? ns, V1Patch patch, string? subresource = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.PatchAsync<T>(name, ns, patch, subresource, ct);
        public Task<T> ApplyAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.ApplyAsync(obj, options, ct);
        public Task DeleteAsync<T>(string name, string? ns = null, DeleteOptions? options = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> => inner.DeleteAsync<T>(name, ns, options, ct);

        public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? ns = null, WatchOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
            where T : class, IKubernetesObject<V1ObjectMeta>
        {
            await Task.Yield();
            yield return new WatchEvent<T>(WatchEventType.Error, null, new V1Status { Code = 500, Reason = "InternalError" });
        }
    }
}
