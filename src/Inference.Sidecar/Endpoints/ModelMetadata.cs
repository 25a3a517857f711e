using System.Text.Json.Serialization;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>Response of <c>GET /v2/models/{name}[/versions/{v}]</c>.</summary>
public sealed record ModelMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("versions")] IReadOnlyList<string> Versions,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("inputs")] IReadOnlyList<TensorMetadata> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<TensorMetadata> Outputs);
