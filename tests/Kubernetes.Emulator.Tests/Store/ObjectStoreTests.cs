using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Tests.Store;

/// <summary>The store's owner index, which the simulated controllers read instead of scanning a namespace.</summary>
public sealed class ObjectStoreTests
{
    private const string Pods = "/pods";

    private static StoredObject Pod(string ns, string name, params string[] owners) =>
        new(ns, name, "uid-" + ns + "-" + name, 0, new Dictionary<string, string>(), owners, false, "{}", "v1");

    private static ObjectStore Store(params StoredObject[] objects)
    {
        var store = new ObjectStore(100);
        foreach (var o in objects) store.Commit(new ChangeEvent(Pods, ChangeType.Added, o, null));
        return store;
    }

    private static string[] Names(IEnumerable<StoredObject> objects) => [.. objects.Select(o => o.Key)];

    [Fact]
    public void Objects_owned_by_a_uid_are_listed_in_key_order_within_the_namespace_asked_for()
    {
        var store = Store(Pod("a", "web-2", "rs1"), Pod("a", "web-0", "rs1"), Pod("a", "other", "rs2"), Pod("b", "web-1", "rs1"), Pod("a", "bare"));

        Assert.Equal(["a/web-0", "a/web-2"], Names(store.ListOwnedBy(Pods, "a", "rs1")));
        Assert.Equal(["a/web-0", "a/web-2", "b/web-1"], Names(store.ListOwnedBy(Pods, null, "rs1")));
        Assert.Empty(store.ListOwnedBy(Pods, "a", "nobody"));
        Assert.Empty(store.ListOwnedBy("/configmaps", "a", "rs1"));
    }

    [Fact]
    public void The_owner_index_follows_updates_that_change_owners_and_deletes()
    {
        var store = Store(Pod("a", "web-0", "rs1"), Pod("a", "web-1", "rs1"));

        // Orphaned (ownerReferences removed), adopted by another owner, then deleted.
        store.Commit(new ChangeEvent(Pods, ChangeType.Modified, Pod("a", "web-0"), null));
        Assert.Equal(["a/web-1"], Names(store.ListOwnedBy(Pods, "a", "rs1")));
        store.Commit(new ChangeEvent(Pods, ChangeType.Modified, Pod("a", "web-0", "rs2", "rs3"), null));
        Assert.Equal(["a/web-0"], Names(store.ListOwnedBy(Pods, "a", "rs2")));
        Assert.Equal(["a/web-0"], Names(store.ListOwnedBy(Pods, "a", "rs3")));
        store.Commit(new ChangeEvent(Pods, ChangeType.Deleted, Pod("a", "web-0", "rs2", "rs3"), null));
        Assert.Empty(store.ListOwnedBy(Pods, "a", "rs2"));
        Assert.Empty(store.ListOwnedBy(Pods, "a", "rs3"));
        Assert.Equal(["a/web-1"], Names(store.ListOwnedBy(Pods, "a", "rs1")));
        Assert.Equal(["a/web-1"], Names(store.List(Pods, "a")));
    }
}
