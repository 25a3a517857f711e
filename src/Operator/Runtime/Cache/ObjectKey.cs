using k8s;
using k8s.Models;

namespace MlOperator.Operator.Runtime.Cache;

/// <summary>Cache keys as client-go writes them: "namespace/name", or "name" for cluster-scoped objects.</summary>
public static class ObjectKey
{
    public static string Of(IKubernetesObject<V1ObjectMeta> obj) => Of(obj.Metadata.NamespaceProperty, obj.Metadata.Name ?? "");

    public static string Of(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";
}
