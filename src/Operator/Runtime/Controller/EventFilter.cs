using k8s;
using k8s.Models;

namespace MlOperator.Operator.Runtime.Controller;

/// <summary>
/// controller-runtime predicate: decides which informer events enqueue a request. A null function lets the
/// event through. Update also sees resync deliveries, where old and new are the same object.
/// </summary>
public sealed record EventFilter(
    Func<IKubernetesObject<V1ObjectMeta>, bool>? Create = null,
    Func<IKubernetesObject<V1ObjectMeta>, IKubernetesObject<V1ObjectMeta>, bool>? Update = null,
    Func<IKubernetesObject<V1ObjectMeta>, bool>? Delete = null)
{
    /// <summary>Only spec changes (metadata.generation) pass on update; creates and deletes always pass.</summary>
    public static EventFilter GenerationChanged { get; } = new(Update: (o, n) => o.Metadata.Generation != n.Metadata.Generation);

    /// <summary>Drops resync re-deliveries and no-op updates.</summary>
    public static EventFilter ResourceVersionChanged { get; } = new(Update: (o, n) => o.Metadata.ResourceVersion != n.Metadata.ResourceVersion);

    public static EventFilter LabelsChanged { get; } = new(Update: (o, n) => !SameMap(o.Metadata.Labels, n.Metadata.Labels));

    public static EventFilter AnnotationsChanged { get; } = new(Update: (o, n) => !SameMap(o.Metadata.Annotations, n.Metadata.Annotations));

    /// <summary>Passes an event when any filter passes it (e.g. generation or annotations changed).</summary>
    public static EventFilter Or(params EventFilter[] filters) => new(
        o => filters.Any(f => f.Create?.Invoke(o) ?? true),
        (o, n) => filters.Any(f => f.Update?.Invoke(o, n) ?? true),
        o => filters.Any(f => f.Delete?.Invoke(o) ?? true));

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value));
}
