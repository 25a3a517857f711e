using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.IntegrationTests.Client;

/// <summary>The real client over real HTTP against the emulator: CRUD, SSA, watch, errors, retries, TLS and tokens.</summary>
public sealed class KubeClientEmulatorTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private KubeEmulator _emulator = null!;
    private KubeClient _client = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        _emulator = await KubeEmulator.StartAsync(new EmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        _client = Connect(_emulator, out _kubeconfig, "team");
        await _client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    private static KubeClient Connect(KubeEmulator emulator, out string kubeconfig, string ns = "default", KubeClientOptions? options = null)
    {
        kubeconfig = Path.Combine(Path.GetTempPath(), $"mlop-client-{Guid.NewGuid():N}.yaml");
        emulator.WriteKubeconfig(kubeconfig, ns);
        return KubeClient.Create(KubeConnectionLoader.Load(new KubeConnectionOptions { Path = kubeconfig }), options);
    }

    private static V1ConfigMap Map(string name, string value, Dictionary<string, string>? labels = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = labels }, Data = new Dictionary<string, string> { ["key"] = value } };

    private static V1Deployment Web(int? replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx:1.27" }] },
            },
        },
    };

    [Fact]
    public async Task Creates_reads_updates_lists_and_deletes_over_http()
    {
        var created = await _client.CreateAsync(Map("a", "1", new() { ["tier"] = "web" }));
        await _client.CreateAsync(Map("b", "2", new() { ["tier"] = "db" }));

        Assert.Equal("team", created.Metadata.NamespaceProperty);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        await Assert.ThrowsAsync<AlreadyExistsException>(() => _client.CreateAsync(Map("a", "again")));

        var read = await _client.GetAsync<V1ConfigMap>("a");
        read.Data!["key"] = "changed";
        var updated = await _client.UpdateAsync(read);
        Assert.Equal("changed", updated.Data!["key"]);
        Assert.NotEqual(read.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);

        var conflict = await Assert.ThrowsAsync<ConflictException>(() => _client.UpdateAsync(read));
        Assert.Contains("the object has been modified", conflict.Message);

        var web = await _client.ListAsync<V1ConfigMap>("team", new ListOptions { LabelSelector = "tier=web" });
        Assert.Equal("a", Assert.Single(web.Items).Metadata.Name);
        var everywhere = await _client.ListAsync<V1ConfigMap>(null, new ListOptions { FieldSelector = "metadata.namespace=team" });
        Assert.Equal(["a", "b"], everywhere.Items.Select(i => i.Metadata.Name).Order());
        Assert.False(string.IsNullOrEmpty(everywhere.Metadata.ResourceVersion));

        var patched = await _client.PatchAsync<V1ConfigMap>("b", "team", new V1Patch("""{"data":{"extra":"x"}}""", V1Patch.PatchType.MergePatch));
        Assert.Equal("x", patched.Data!["extra"]);

        await _client.DeleteAsync<V1ConfigMap>("a", options: new DeleteOptions { PropagationPolicy = PropagationPolicy.Background });
        Assert.Null(await _client.TryGetAsync<V1ConfigMap>("a"));
        await Assert.ThrowsAsync<NotFoundException>(() => _client.GetAsync<V1ConfigMap>("a"));
        await Assert.ThrowsAsync<NotFoundException>(() => _client.DeleteAsync<V1ConfigMap>("a"));
    }

    [Fact]
    public async Task Delete_with_a_stale_precondition_is_a_conflict()
    {
        var created = await _client.CreateAsync(Map("p", "1"));

        await Assert.ThrowsAsync<ConflictException>(() => _client.DeleteAsync<V1ConfigMap>("p",
            options: new DeleteOptions { PreconditionUid = "not-" + created.Metadata.Uid }));
        await _client.DeleteAsync<V1ConfigMap>("p", options: new DeleteOptions { PreconditionUid = created.Metadata.Uid });
    }

    [Fact]
    public async Task Server_side_apply_reports_a_conflict_and_force_takes_ownership()
    {
        var first = await _client.ApplyAsync(Web(3), new ApplyOptions("manager-a"));
        Assert.Equal(3, first.Spec!.Replicas);

        var conflict = await Assert.ThrowsAsync<ConflictException>(() => _client.ApplyAsync(Web(5), new ApplyOptions("manager-b")));
        Assert.Contains(conflict.Status.Details!.Causes!, c => c.Field == ".spec.replicas");

        var forced = await _client.ApplyAsync(Web(5), new ApplyOptions("manager-b", Force: true));
        Assert.Equal(5, forced.Spec!.Replicas);
        Assert.Contains(forced.Metadata.ManagedFields!, m => m.Manager == "manager-b" && m.Operation == "Apply");

        // Applying what was read back (managedFields included) works: the client strips them, and the spec is
        // unchanged (generation compared, not resourceVersion: the Deployment controller may write status meanwhile).
        var again = await _client.ApplyAsync(forced, new ApplyOptions("manager-b"));
        Assert.Equal(forced.Metadata.Generation, again.Metadata.Generation);
        Assert.Equal(5, again.Spec!.Replicas);
    }

    [Fact]
    public async Task Status_subresource_updates_status_only()
    {
        var created = await _client.CreateAsync(Web(1));
        created.Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1 };

        var updated = await _client.UpdateStatusAsync(created);

        Assert.Equal(1, updated.Status!.Replicas);
        Assert.Equal(created.Metadata.Generation, updated.Metadata.Generation);
    }

    [Fact]
    public async Task Watch_streams_changes_after_a_list_and_sends_bookmarks()
    {
        var list = await _client.ListAsync<V1ConfigMap>("team");
        using var cts = new CancellationTokenSource(Bound);
        var events = new List<WatchEvent<V1ConfigMap>>();

        var watching = Task.Run(async () =>
        {
            await foreach (var e in _client.WatchAsync<V1ConfigMap>("team", new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion }, cts.Token))
            {
                lock (events)
                {
                    events.Add(e);
                }

                if (e.Type == WatchEventType.Bookmark && events.Any(x => x.Type == WatchEventType.Deleted))
                {
                    return;
                }
            }
        });
        await WaitFor(() => _emulator.Faults.OpenWatches > 0);
        var created = await _client.CreateAsync(Map("w", "1"));
        created.Data!["key"] = "2";
        await _client.UpdateAsync(created);
        await _client.DeleteAsync<V1ConfigMap>("w");
        await watching;

        var changes = events.Where(e => e.Type != WatchEventType.Bookmark).ToList();
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], changes.Select(e => e.Type));
        Assert.All(changes, e => Assert.Equal("w", e.Object!.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(events.Last().Object!.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_ends_cleanly_when_the_server_times_it_out()
    {
        var count = 0;
        await foreach (var e in _client.WatchAsync<V1ConfigMap>("team", new WatchOptions { ResourceVersion = _emulator.ResourceVersion.ToString(), TimeoutSeconds = 1, AllowBookmarks = false }))
        {
            count++;
        }

        Assert.Equal(0, count);
    }

    [Fact]
    public async Task Watch_from_a_compacted_resource_version_throws_gone()
    {
        var old = (await _client.CreateAsync(Map("old", "1"))).Metadata.ResourceVersion;
        await _client.CreateAsync(Map("new", "1"));
        _emulator.Faults.CompactHistory();

        var gone = await Assert.ThrowsAsync<GoneException>(async () =>
        {
            await foreach (var _ in _client.WatchAsync<V1ConfigMap>("team", new WatchOptions { ResourceVersion = old }))
            {
            }
        });

        Assert.Contains("too old resource version", gone.Message);
    }

    [Fact]
    public async Task Retries_a_throttled_read_after_retry_after_but_not_a_create()
    {
        await _client.CreateAsync(Map("r", "1"));
        _emulator.Faults.ResetCounts();
        _emulator.Faults.FailNext(1, 429, "get", "configmaps", TimeSpan.FromSeconds(1));

        var read = await _client.GetAsync<V1ConfigMap>("r");

        Assert.Equal("1", read.Data!["key"]);
        Assert.Equal(2, _emulator.Faults.Count("get", "configmaps"));

        _emulator.Faults.FailNext(1, 429, "create", "configmaps", TimeSpan.FromSeconds(1));
        var throttled = await Assert.ThrowsAsync<TooManyRequestsException>(() => _client.CreateAsync(Map("s", "1")));
        Assert.Equal(TimeSpan.FromSeconds(1), throttled.RetryAfter);
        Assert.Equal(1, _emulator.Faults.Count("create", "configmaps"));
    }

    [Fact]
    public async Task Retries_server_errors_on_lists_until_they_pass()
    {
        _emulator.Faults.ResetCounts();
        _emulator.Faults.FailNext(2, 503, "list", "configmaps");

        await _client.ListAsync<V1ConfigMap>("team");

        Assert.Equal(3, _emulator.Faults.Count("list", "configmaps"));
    }

    [Fact]
    public async Task Talks_https_with_the_kubeconfig_ca_and_bearer_token()
    {
        await using var secure = await KubeEmulator.StartAsync(new EmulatorOptions { Tls = true, Token = "sekret" });
        using var client = Connect(secure, out var path);
        try
        {
            var connection = KubeConnectionLoader.Load(new KubeConnectionOptions { Path = path });
            Assert.Equal("https", connection.Server.Scheme);
            var created = await client.CreateAsync(Map("tls", "1"));
            Assert.Equal("default", created.Metadata.NamespaceProperty);

            connection.Configuration.AccessToken = "wrong";
            using var wrongToken = KubeClient.Create(connection, new KubeClientOptions { MaxAttempts = 1 });
            await Assert.ThrowsAsync<UnauthorizedException>(() => wrongToken.GetAsync<V1ConfigMap>("tls"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(10);
        }
    }
}
