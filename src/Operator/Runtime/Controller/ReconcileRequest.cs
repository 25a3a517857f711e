using k8s;
using k8s.Models;
using MlOperator.Operator.Runtime.Cache;

namespace MlOperator.Operator.Runtime.Controller;

/// <summary>
/// What a reconciler is asked to do: only the key of the object. Reconciliation is level-based, so the event
/// that caused the request is deliberately not part of it.
/// </summary>
public sealed record ReconcileRequest(string? Namespace, string Name)
{
    public static ReconcileRequest For(IKubernetesObject<V1ObjectMeta> obj) => new(obj.Metadata.NamespaceProperty, obj.Metadata.Name ?? "");

    public override string ToString() => ObjectKey.Of(Namespace, Name);
}
