using System.Text.Json.Serialization;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>The V2 protocol's error body.</summary>
public sealed record ErrorBody([property: JsonPropertyName("error")] string Error);
