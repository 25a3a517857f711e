using System.Diagnostics.CodeAnalysis;
using YamlDotNet.Serialization;

namespace MlOperator.Operator.Kube.Models;

/// <summary>YAML manifests → JSON, keeping unquoted numbers and booleans typed, as kubectl sends them.</summary>
[RequiresUnreferencedCode("YamlDotNet's reflection deserializer; for tests and tools, never on the operator's path.")]
[RequiresDynamicCode("YamlDotNet's reflection deserializer; for tests and tools, never on the operator's path.")]
public static class KubeYaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();

    public static string ToJson(string yaml) => System.Text.Json.JsonSerializer.Serialize(Deserializer.Deserialize<object>(yaml));

    public static T Deserialize<T>(string yaml) => KubeJson.Deserialize<T>(ToJson(yaml));
}
