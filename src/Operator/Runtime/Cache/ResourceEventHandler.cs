using k8s;
using k8s.Models;

namespace MlOperator.Operator.Runtime.Cache;

/// <summary>
/// Callbacks an informer invokes, in order, from its one dispatch thread. Objects are the cache's own
/// instances: read them, never mutate them (copy first). Resync delivers OnUpdate(obj, obj).
/// A delete seen only through a relist delivers the last known state.
/// </summary>
public sealed record ResourceEventHandler<T>(
    Action<T>? OnAdd = null,
    Action<T, T>? OnUpdate = null,
    Action<T>? OnDelete = null)
    where T : class, IKubernetesObject<V1ObjectMeta>;
