using YamlDotNet.Serialization;

namespace MlOperator.Operator.Kube.Models;

/// <summary>YAML manifests → JSON, keeping unquoted numbers and booleans typed, as kubectl sends them.</summary>
public static class KubeYaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();

    public static string ToJson(string yaml) => System.Text.Json.JsonSerializer.Serialize(Deserializer.Deserialize<object>(yaml));

    public static T Deserialize<T>(string yaml) => KubeJson.Deserialize<T>(ToJson(yaml));
}
