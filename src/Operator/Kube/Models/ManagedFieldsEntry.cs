using System.Text.Json.Nodes;

namespace MlOperator.Operator.Kube.Models;

public sealed class ManagedFieldsEntry
{
    public string? Manager { get; set; }
    public string? Operation { get; set; }
    public string? ApiVersion { get; set; }
    public DateTimeOffset? Time { get; set; }
    public string? FieldsType { get; set; }
    public JsonObject? FieldsV1 { get; set; }
    public string? Subresource { get; set; }
}
