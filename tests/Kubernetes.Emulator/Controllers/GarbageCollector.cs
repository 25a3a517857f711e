using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Controllers;

/// <summary>
/// kube-controller-manager's garbage collector, simplified: objects whose owners are all gone are deleted;
/// an owner deleted in the foreground keeps its foregroundDeletion finalizer until its dependents are gone.
/// </summary>
internal sealed class GarbageCollector(ApiCore core)
{
    private const string Foreground = "foregroundDeletion";

    public void Handle(ChangeEvent e)
    {
        var store = core.Store;
        if (e.Type == ChangeType.Deleted)
        {
            foreach (var (key, dependent) in Dependents(e.Object.Uid))
                if (dependent.OwnerUids.All(u => !store.UidExists(u))) Delete(key, dependent);
            foreach (var owner in e.Object.OwnerUids)
                if (store.GetByUid(owner) is { } o && o.Object.Deleting) FinishForeground(o.StorageKey, o.Object);
            return;
        }
        if (e.Object.OwnerUids.Count > 0 && e.Object.OwnerUids.All(u => !store.UidExists(u)))
        {
            Delete(e.StorageKey, e.Object);
            return;
        }
        if (e.Object.Deleting) FinishForeground(e.StorageKey, e.Object);
    }

    private void FinishForeground(string storageKey, StoredObject owner)
    {
        var node = owner.ToNode();
        if (node["metadata"]?["finalizers"] is not JsonArray finalizers || !finalizers.Any(f => f?.ToString() == Foreground)) return;
        var dependents = Dependents(owner.Uid).ToList();
        foreach (var (key, dependent) in dependents)
            if (!dependent.Deleting) Delete(key, dependent);
        if (Dependents(owner.Uid).Any()) return;
        foreach (var f in finalizers.Where(f => f?.ToString() == Foreground).ToList()) finalizers.Remove(f);
        var type = TypeFor(storageKey);
        if (type is not null) core.Update(type, owner.Namespace, owner.Name, node, new WriteOptions(Internal: true), null);
    }

    private IEnumerable<(string Key, StoredObject Object)> Dependents(string uid)
    {
        var result = new List<(string, StoredObject)>();
        foreach (var key in core.Store.StorageKeys)
            foreach (var o in core.Store.ListOwnedBy(key, null, uid))
                result.Add((key, o));
        return result;
    }

    private void Delete(string storageKey, StoredObject o)
    {
        var type = TypeFor(storageKey);
        if (type is null) return;
        try
        {
            core.Delete(type, o.Namespace, o.Name, new DeleteRequest("Background", PreconditionUid: o.Uid));
        }
        catch (ApiError)
        {
            // Already gone or replaced by a new object with the same name: nothing to collect.
        }
    }

    private ResourceType? TypeFor(string storageKey) => core.Registry.All.FirstOrDefault(t => t.StorageKey == storageKey);
}
