using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Models;

/// <summary>metav1.Status: the body of every API error.</summary>
public sealed class Status
{
    public string? Kind { get; set; } = "Status";
    public string? ApiVersion { get; set; } = "v1";
    /// <summary>"Success" or "Failure".</summary>
    [JsonPropertyName("status")]
    public string? Outcome { get; set; }
    public string? Message { get; set; }
    public string? Reason { get; set; }
    public StatusDetails? Details { get; set; }
    public int Code { get; set; }
}
