using System.Text.Json;
using System.Text.Json.Nodes;
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
    public static T DeepCopy<T>(T value) where T : notnull =>
        (T)(JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Options), value.GetType(), Options)
            ?? throw new JsonException("null copy"));

    /// <summary>Options equal to the library's (its own are internal), for APIs that need options, not strings.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        };
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        options.Converters.Add(new KubernetesJson.Iso8601TimeSpanConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeOffsetConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
