using System.Collections.Concurrent;
using System.Reflection;

namespace MlOperator.Operator.Kube.Models;

/// <summary>Names the REST resource a typed object lives at: group/version/plural, kind, scope.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KubeResourceAttribute(string group, string version, string kind, string plural) : Attribute
{
    private static readonly ConcurrentDictionary<Type, KubeResourceAttribute> Cache = new();

    /// <summary>Empty for the core ("legacy") group.</summary>
    public string Group { get; } = group;
    public string Version { get; } = version;
    public string Kind { get; } = kind;
    public string Plural { get; } = plural;
    public bool Namespaced { get; init; } = true;

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"deployments.apps", "pods": the name the apiserver uses in Status messages.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static KubeResourceAttribute For<T>() => For(typeof(T));

    public static KubeResourceAttribute For(Type type) =>
        Cache.GetOrAdd(type, static t => t.GetCustomAttribute<KubeResourceAttribute>()
            ?? throw new InvalidOperationException($"{t.Name} has no [KubeResource] attribute"));
}
