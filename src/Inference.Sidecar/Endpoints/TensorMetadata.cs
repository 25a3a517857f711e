using System.Text.Json.Serialization;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>One input or output in model metadata; -1 marks a dynamic dimension.</summary>
public sealed record TensorMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape);
