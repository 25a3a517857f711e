using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>The objects of a multi-document YAML stream (helm template's output), as JSON, to assert on fields.</summary>
public static class RenderedManifests
{
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var objects = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = deserializer.Deserialize<object?>(parser);
            if (document is not null && JsonSerializer.SerializeToNode(document) is JsonObject obj)
            {
                objects.Add(obj);
            }
        }

        return objects;
    }

    public static JsonObject Single(this IReadOnlyList<JsonObject> objects, string kind, string? name = null) =>
        objects.Single(o => (string?)o["kind"] == kind && (name is null || (string?)o["metadata"]?["name"] == name));

    public static IEnumerable<JsonObject> OfKind(this IReadOnlyList<JsonObject> objects, string kind) =>
        objects.Where(o => (string?)o["kind"] == kind);
}
