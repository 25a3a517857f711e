using System.Net;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>Watch streaming details: resume points, bookmarks, timeouts, all-namespace and Table watches.</summary>
public sealed class WatchTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Watch_from_a_resourceVersion_replays_only_later_events_including_deletes()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync(ConfigMaps, ConfigMap("before"));
        var list = await kube.GetAsync(ConfigMaps);
        await kube.CreateAsync(ConfigMaps, ConfigMap("after"));
        await kube.DeleteAsync(ConfigMaps + "/before");
        await using var watch = await kube.WatchAsync($"{ConfigMaps}?watch=true&resourceVersion={list.ResourceVersion}");
        var added = await watch.NextAsync();
        Assert.Equal("ADDED", added!["type"]!.ToString());
        Assert.Equal("after", added["object"]!["metadata"]!["name"]!.ToString());
        var deleted = await watch.NextAsync();
        Assert.Equal("DELETED", deleted!["type"]!.ToString());
        Assert.Equal("before", deleted["object"]!["metadata"]!["name"]!.ToString());
        Assert.True(long.Parse(deleted["object"]!["metadata"]!["resourceVersion"]!.ToString()) > long.Parse(added["object"]!["metadata"]!["resourceVersion"]!.ToString()));
    }

    [Fact]
    public async Task Bookmarks_come_only_when_allowed_and_carry_kind_and_resourceVersion()
    {
        var time = new ManualTime();
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { TimeProvider = time, BookmarkInterval = TimeSpan.FromSeconds(30) });
        var created = await kube.CreateAsync(ConfigMaps, ConfigMap("c1"));
        await using var watch = await kube.WatchAsync($"{ConfigMaps}?watch=true&allowWatchBookmarks=true&resourceVersion={created["metadata"]!["resourceVersion"]}");
        var first = await watch.NextAsync();
        Assert.Equal("BOOKMARK", first!["type"]!.ToString());
        Assert.Equal("ConfigMap", first["object"]!["kind"]!.ToString());
        Assert.Equal("v1", first["object"]!["apiVersion"]!.ToString());
        Assert.Equal(created["metadata"]!["resourceVersion"]!.ToString(), first["object"]!["metadata"]!["resourceVersion"]!.ToString());
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("BOOKMARK", (await watch.NextAsync())!["type"]!.ToString());

        await using var plain = await kube.WatchAsync($"{ConfigMaps}?watch=true&resourceVersion={created["metadata"]!["resourceVersion"]}");
        time.Advance(TimeSpan.FromSeconds(31));
        await kube.CreateAsync(ConfigMaps, ConfigMap("c2"));
        Assert.Equal("ADDED", (await plain.NextAsync())!["type"]!.ToString());
    }

    [Fact]
    public async Task SendInitialEvents_streams_the_state_then_an_initial_events_end_bookmark()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync(ConfigMaps, ConfigMap("c1"));
        await using var watch = await kube.WatchAsync($"{ConfigMaps}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.ToString());
        var end = await watch.NextAsync();
        Assert.Equal("BOOKMARK", end!["type"]!.ToString());
        Assert.Equal("true", end["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.ToString());
    }

    [Fact]
    public async Task TimeoutSeconds_closes_the_stream_cleanly_without_an_event()
    {
        var time = new ManualTime();
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { TimeProvider = time });
        var list = await kube.GetAsync(ConfigMaps);
        await using var watch = await kube.WatchAsync($"{ConfigMaps}?watch=true&timeoutSeconds=60&resourceVersion={list.ResourceVersion}");
        Assert.Equal(HttpStatusCode.OK, watch.Code);
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task All_namespace_watch_sees_every_namespace_and_dropping_watches_ends_streams()
    {
        await using var kube = await TestKube.StartAsync();
        await using var watch = await kube.WatchAsync($"/api/v1/configmaps?watch=true&resourceVersion={kube.Emulator.ResourceVersion}");
        await kube.CreateAsync(ConfigMaps, ConfigMap("a"));
        await kube.CreateAsync("/api/v1/namespaces/kube-system/configmaps", ConfigMap("b"));
        Assert.Equal("default", (await watch.NextAsync())!["object"]!["metadata"]!["namespace"]!.ToString());
        Assert.Equal("kube-system", (await watch.NextAsync())!["object"]!["metadata"]!["namespace"]!.ToString());
        Assert.Equal(1, kube.Emulator.Faults.OpenWatches);
        kube.Emulator.Faults.DropWatches();
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task Table_watch_sends_one_row_tables()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync(Deployments, Deployment("web"));
        await using var watch = await kube.WatchAsync($"{Deployments}?watch=true&resourceVersion=0", "application/json;as=Table;v=v1;g=meta.k8s.io");
        var e = await watch.NextAsync();
        Assert.Equal("ADDED", e!["type"]!.ToString());
        Assert.Equal("Table", e["object"]!["kind"]!.ToString());
        Assert.Equal("web", e["object"]!["rows"]![0]!["cells"]![0]!.ToString());
    }

    [Fact]
    public async Task Thousands_of_objects_list_and_watch_quickly()
    {
        await using var kube = await TestKube.StartAsync();
        var tasks = Enumerable.Range(0, 2000).Select(i => kube.PostAsync(ConfigMaps, ConfigMap($"c{i}")));
        Assert.All(await Task.WhenAll(tasks), r => Assert.Equal(HttpStatusCode.Created, r.Code));
        var list = await kube.GetAsync(ConfigMaps);
        Assert.Equal(2000, list.Body["items"]!.AsArray().Count);
        await using var watch = await kube.WatchAsync($"{ConfigMaps}?watch=true&resourceVersion=0&labelSelector=none");
        await using var all = await kube.WatchAsync($"{ConfigMaps}?watch=true&resourceVersion=0");
        for (var i = 0; i < 2000; i++) Assert.Equal("ADDED", (await all.NextAsync())!["type"]!.ToString());
        Assert.True(await watch.QuietAsync(100));
    }
}
