using MlOperator.Operator.Kube.Client;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>The fake must behave like the apiserver where runtime tests rely on it.</summary>
public class FakeKubeClientTests
{
    private readonly FakeKubeClient _client = new();

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_conflicts_and_identical_writes_are_no_ops()
    {
        var created = await _client.CreateAsync(Lease("a"));
        created.Spec.HolderIdentity = "me";
        var updated = await _client.UpdateAsync(created);

        created.Spec.HolderIdentity = "other";
        await Assert.ThrowsAsync<ConflictException>(() => _client.UpdateAsync(created));
        var same = await _client.UpdateAsync(updated);
        Assert.Equal(updated.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch_replays_changes_after_a_resourceVersion_and_is_Gone_after_compaction()
    {
        await _client.CreateAsync(Lease("a"));
        var from = _client.ResourceVersion.ToString();
        await _client.CreateAsync(Lease("b"));
        await _client.DeleteAsync<V1Lease>("a", "ns");

        var events = new List<WatchEvent<V1Lease>>();
        using var cts = new CancellationTokenSource();
        await foreach (var e in _client.WatchAsync<V1Lease>("ns", new WatchOptions { ResourceVersion = from }, cts.Token))
        {
            events.Add(e);
            if (events.Count == 2)
            {
                break;
            }
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], events.Select(e => e.Type));
        _client.Compact();
        await Assert.ThrowsAsync<GoneException>(async () =>
        {
            await foreach (var _ in _client.WatchAsync<V1Lease>("ns", new WatchOptions { ResourceVersion = from }))
            {
            }
        });
    }

    [Fact]
    public async Task Watch_reports_selector_transitions_and_expiry()
    {
        var lease = await _client.CreateAsync(Lease("a"));
        var events = new List<WatchEventType>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in _client.WatchAsync<V1Lease>("ns", new WatchOptions { ResourceVersion = _client.ResourceVersion.ToString(), LabelSelector = "app=x" }))
            {
                lock (events)
                {
                    events.Add(e.Type);
                }
            }
        });
        await Eventually.TrueAsync(() => _client.OpenWatches == 1, "watch open");

        lease.Metadata.Labels = new Dictionary<string, string> { ["app"] = "x" };
        lease = await _client.UpdateAsync(lease);
        lease.Metadata.Labels = new Dictionary<string, string> { ["app"] = "y" };
        await _client.UpdateAsync(lease);
        await Eventually.TrueAsync(() => { lock (events) { return events.Count == 2; } }, "two events");
        _client.ExpireWatches();

        await Assert.ThrowsAsync<GoneException>(() => watching);
        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], events);
    }

    [Fact]
    public async Task Injected_faults_fail_only_the_next_call_of_that_verb()
    {
        _client.FailNext("list", FakeKubeClient.ServerError());

        await Assert.ThrowsAsync<KubeApiException>(() => _client.ListAsync<V1Lease>("ns"));
        Assert.Empty((await _client.ListAsync<V1Lease>("ns")).Items);
    }

    private static V1Lease Lease(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns" }, Spec = new V1LeaseSpec() };
}
