using System.Collections.Concurrent;
using System.Reflection;
using k8s;
using k8s.Models;

namespace MlOperator.Operator.Kube;

/// <summary>
/// Where a typed object lives in the REST API: group, version, kind and plural from the library's
/// <see cref="KubernetesEntityAttribute"/> (every <c>k8s.Models</c> kind and our ModelDeployment carry one), plus the
/// scope, which the attribute does not say.
/// </summary>
public sealed record KubeResource(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    private static readonly ConcurrentDictionary<Type, KubeResource> Cache = new();

    /// <summary>The cluster-scoped kinds we may meet; every other kind is namespaced.</summary>
    private static readonly HashSet<string> ClusterScoped =
    [
        "/Namespace", "/Node", "/PersistentVolume", "apiextensions.k8s.io/CustomResourceDefinition",
        "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
        "storage.k8s.io/StorageClass", "scheduling.k8s.io/PriorityClass",
    ];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"deployments.apps", "pods": the name the apiserver uses in Status messages and we use in metrics.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static KubeResource For<T>() => For(typeof(T));

    /// <summary>
    /// Fills apiVersion and kind, which the library's models leave empty (server-side apply and the API server need
    /// them in every body). Returns the object, so builders can wrap their initialiser in it.
    /// </summary>
    public static T Stamp<T>(T obj) where T : IKubernetesObject
    {
        var resource = For(obj.GetType());
        if (string.IsNullOrEmpty(obj.ApiVersion))
        {
            obj.ApiVersion = resource.ApiVersion;
        }

        if (string.IsNullOrEmpty(obj.Kind))
        {
            obj.Kind = resource.Kind;
        }

        return obj;
    }

    public static KubeResource For(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var entity = t.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{t.Name} has no [KubernetesEntity] attribute");
        var group = entity.Group ?? "";
        return new KubeResource(group, entity.ApiVersion, entity.Kind, entity.PluralName,
            !ClusterScoped.Contains($"{group}/{entity.Kind}"));
    });
}
