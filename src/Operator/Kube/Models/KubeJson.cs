using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace MlOperator.Operator.Kube.Models;

/// <summary>
/// The library's JSON (<see cref="KubernetesJson"/>: camelCase, nulls omitted, RFC 3339 times, quantities and
/// int-or-strings as the apiserver writes them), with the few shapes we need on top of it.
/// </summary>
public static class KubeJson
{
    public static string Serialize<T>(T value) => KubernetesJson.Serialize(value);

    public static JsonObject SerializeToNode<T>(T value) where T : notnull =>
        JsonNode.Parse(KubernetesJson.Serialize(value))?.AsObject() ?? throw new JsonException($"null {typeof(T).Name}");

    public static T Deserialize<T>(string json) =>
        KubernetesJson.Deserialize<T>(json) ?? throw new JsonException($"null {typeof(T).Name}");

    /// <summary>Deep copy through JSON: what the informer cache hands out, so callers may mutate freely.</summary>
    public static T DeepCopy<T>(T value) where T : notnull
    {
        var info = Options.GetTypeInfo(value.GetType());
        return (T)(JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, info), info) ?? throw new JsonException("null copy"));
    }

    /// <summary>
    /// The metadata of <typeparamref name="T"/> under the library's options (its converters: times, quantities), from
    /// <see cref="KubeJsonContext"/>; what to pass System.Text.Json instead of options, which would need reflection.
    /// </summary>
    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    /// <summary>
    /// The library's own options instance (<see cref="KubernetesJson.AddJsonOptions"/> hands it over), for APIs that
    /// need options, not strings. One instance on purpose: System.Text.Json keeps its type metadata per options
    /// instance, and an equal copy of our own resolved every Kubernetes model a second time through reflection
    /// (1,900 emitted accessor methods and their metadata for the life of the process).
    /// </summary>
    public static JsonSerializerOptions Options { get; } = LibraryOptions();

    private static JsonSerializerOptions LibraryOptions()
    {
        JsonSerializerOptions? library = null;
        KubernetesJson.AddJsonOptions(options => library = options);
        return library ?? throw new InvalidOperationException("KubernetesJson did not hand over its serializer options");
    }
}
