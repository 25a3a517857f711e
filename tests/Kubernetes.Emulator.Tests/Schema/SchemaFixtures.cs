using System.Globalization;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using YamlDotNet.RepresentationModel;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

/// <summary>The Schema tests' shared fixtures: JSON parsing and a ModelDeployment-like CRD schema.</summary>
internal static class SchemaFixtures
{
    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>JSON text for the object with the single-quote shorthand used in test tables.</summary>
    public static JsonObject Q(string json) => Obj(json.Replace('\'', '"'));

    public const string ModelDeploymentSchemaJson = """
    {
      "type": "object",
      "properties": {
        "apiVersion": { "type": "string" },
        "kind": { "type": "string" },
        "metadata": { "type": "object" },
        "spec": {
          "type": "object",
          "required": ["model"],
          "x-kubernetes-validations": [{ "rule": "self.replicas <= 100", "message": "CEL is not evaluated" }],
          "properties": {
            "replicas": { "type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 1 },
            "model": {
              "type": "object",
              "required": ["name", "uri"],
              "properties": {
                "name": { "type": "string", "maxLength": 63, "pattern": "^[a-z0-9-]+$" },
                "uri": { "type": "string", "minLength": 1 }
              }
            },
            "strategy": { "type": "string", "enum": ["Canary", "Recreate"], "default": "Canary" },
            "rollout": {
              "type": "object",
              "default": {},
              "properties": {
                "maxSurge": { "x-kubernetes-int-or-string": true, "default": "25%" },
                "steps": {
                  "type": "array",
                  "maxItems": 3,
                  "items": {
                    "type": "object",
                    "required": ["weight"],
                    "properties": {
                      "weight": { "type": "integer", "minimum": 0, "maximum": 100 },
                      "pause": { "type": "string", "default": "1m" }
                    }
                  }
                }
              }
            },
            "resources": { "type": "object", "additionalProperties": { "x-kubernetes-int-or-string": true } },
            "labels": { "type": "object", "additionalProperties": { "type": "string" } },
            "env": {
              "type": "object",
              "additionalProperties": { "type": "object", "properties": { "value": { "type": "string", "default": "unset" } } }
            },
            "tags": { "type": "array", "items": { "type": "string" }, "x-kubernetes-list-type": "set" },
            "ports": {
              "type": "array",
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["name"],
              "items": { "type": "object", "properties": { "name": { "type": "string" }, "port": { "type": "integer" } } }
            },
            "extra": { "type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": { "known": { "type": "object", "properties": { "a": { "type": "string" } } } } },
            "template": {
              "type": "object",
              "x-kubernetes-embedded-resource": true,
              "properties": { "spec": { "type": "object", "properties": { "a": { "type": "string" } } } }
            },
            "startAt": { "type": "string", "format": "date-time" },
            "ratio": { "type": "number", "minimum": 0, "exclusiveMinimum": true },
            "note": { "type": "string", "nullable": true }
          }
        },
        "status": { "type": "object", "x-kubernetes-preserve-unknown-fields": true }
      }
    }
    """;

    public static StructuralSchema ModelDeploymentSchema() => StructuralSchema.Parse(Obj(ModelDeploymentSchemaJson));

    /// <summary>A ModelDeployment whose spec is <paramref name="specJson"/>, with a valid model unless the spec names one.</summary>
    public static JsonObject Resource(string specJson)
    {
        var spec = Obj(specJson);
        if (!spec.ContainsKey("model"))
        {
            spec["model"] = Obj("""{"name":"resnet","uri":"s3://m/resnet.onnx"}""");
        }

        return new JsonObject
        {
            ["apiVersion"] = "serving.mloperator.io/v1alpha1",
            ["kind"] = "ModelDeployment",
            ["metadata"] = Obj("""{"name":"x","namespace":"default"}"""),
            ["spec"] = spec,
        };
    }

    /// <summary>A file of the repository (found by walking up to MlOperator.sln); fails loudly when missing.</summary>
    public static string RepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlOperator.sln")))
            {
                var path = Path.Combine(dir.FullName, relativePath);
                return File.Exists(path) ? path : throw new FileNotFoundException($"{relativePath} is missing from the repository", path);
            }
        }

        throw new DirectoryNotFoundException("MlOperator.sln not found above the test binaries");
    }

    /// <summary>The first YAML document of a file as JSON, with YAML 1.2 core-schema scalars for plain values.</summary>
    public static JsonObject YamlFile(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepositoryFile(relativePath));
        stream.Load(reader);
        return (JsonObject)FromYaml(stream.Documents[0].RootNode)!;
    }

    private static JsonNode? FromYaml(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    obj[((YamlScalarNode)key).Value ?? ""] = FromYaml(value);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(FromYaml(item));
                }

                return array;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style is not (YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any))
                {
                    return JsonValue.Create(text);
                }

                return text switch
                {
                    "" or "~" or "null" => null,
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
                    _ when text.Any(char.IsAsciiDigit) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonNode.Parse(d.ToString("R", CultureInfo.InvariantCulture)),
                    _ => JsonValue.Create(text),
                };
            default:
                return null;
        }
    }
}
