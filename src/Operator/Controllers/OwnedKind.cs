using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Controller;
using MlOperator.Operator.Runtime.Hosting;

namespace MlOperator.Operator.Controllers;

/// <summary>
/// A kind of child a ModelDeployment owns. The controller watches it (<see cref="Own"/>), the reconciler deletes
/// children of it the desired state no longer has (<see cref="Bind"/>), and the chart's RBAC grants what both need.
/// </summary>
public abstract record OwnedKind(Type Type)
{
    /// <summary>What the controller calls on an owned kind: list and watch (its informer), create and patch
    /// (server-side apply, which creates a missing object) and delete (stale children).</summary>
    public static readonly IReadOnlyList<string> Verbs = ["create", "delete", "list", "patch", "watch"];

    public abstract ControllerBuilder Own(ControllerBuilder builder);

    /// <summary>This kind's children of one owner, from the manager's cache, with a way to delete one.</summary>
    public abstract BoundOwnedKind Bind(ControllerManager manager);

    /// <summary>
    /// Cached objects whose controller ownerReference has this uid (by uid, so a recreated namesake never adopts
    /// another's children), ordered by name. The cached objects themselves: read them, never mutate them.
    /// </summary>
    public static IReadOnlyList<T> ControlledBy<T>(Informer<T> informer, string ownerUid) where T : class, IKubernetesObject<V1ObjectMeta> =>
        [.. informer.ByIndexReadOnly(IndexNames.OwnerUid, ownerUid)
            .Where(c => c.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == ownerUid) == true)
            .OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)];
}

/// <summary>A child kind; <paramref name="Filter"/>, when given, decides which of a child's events wake its owner.</summary>
public sealed record OwnedKind<T>(EventFilter? Filter = null) : OwnedKind(typeof(T)) where T : class, IKubernetesObject<V1ObjectMeta>
{
    public override ControllerBuilder Own(ControllerBuilder builder) => Filter is null ? builder.Owns<T>() : builder.Owns<T>(null, Filter);

    public override BoundOwnedKind Bind(ControllerManager manager)
    {
        var informer = manager.GetInformer<T>();
        return new BoundOwnedKind(
            Type,
            ownerUid => ControlledBy(informer, ownerUid),
            (client, child, options, ct) => client.DeleteAsync<T>(child.Metadata.Name!, child.Metadata.NamespaceProperty, options, ct));
    }
}
