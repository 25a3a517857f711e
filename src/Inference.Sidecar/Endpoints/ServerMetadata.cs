using System.Text.Json.Serialization;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>Response of <c>GET /v2</c>.</summary>
public sealed record ServerMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("extensions")] IReadOnlyList<string> Extensions);
