using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace MlOperator.Operator.Kube.Models;

/// <summary>YAML manifests → JSON, keeping unquoted numbers and booleans typed, as kubectl sends them.</summary>
public static class KubeYaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();

    public static string ToJson(string yaml) => System.Text.Json.JsonSerializer.Serialize(Deserializer.Deserialize<object>(yaml));

    /// <summary>Each document of a multi-document stream ("---"), empty documents skipped.</summary>
    public static IReadOnlyList<string> DocumentsToJson(string yaml)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(yaml));
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        var documents = new List<string>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
        {
            var graph = Deserializer.Deserialize<object?>(parser);
            if (graph is not null)
            {
                documents.Add(System.Text.Json.JsonSerializer.Serialize(graph));
            }
        }

        return documents;
    }

    public static T Deserialize<T>(string yaml) => KubeJson.Deserialize<T>(ToJson(yaml));
}
