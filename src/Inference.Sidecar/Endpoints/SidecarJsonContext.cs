using System.Text.Json.Serialization;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>Source-generated JSON for the small fixed responses (no reflection at startup or per request).</summary>
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(ServerMetadata))]
[JsonSerializable(typeof(ModelMetadata))]
public sealed partial class SidecarJsonContext : JsonSerializerContext
{
    /// <summary>Messages quote names with ' and show shapes with [ ]; no need to escape them for an API client.</summary>
    public static SidecarJsonContext Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
