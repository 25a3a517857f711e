using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Models;

/// <summary>
/// Base class for typed Kubernetes objects. The subclass carries a <see cref="KubeResourceAttribute"/>
/// that names its group, version, kind and plural; the constructor fills apiVersion and kind from it.
/// </summary>
public abstract class KubeObject : IKubernetesObject
{
    protected KubeObject()
    {
        var resource = KubeResourceAttribute.For(GetType());
        ApiVersion = resource.ApiVersion;
        Kind = resource.Kind;
    }

    [JsonPropertyOrder(-3)]
    public string ApiVersion { get; set; }

    [JsonPropertyOrder(-2)]
    public string Kind { get; set; }

    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get; set; } = new();
}
