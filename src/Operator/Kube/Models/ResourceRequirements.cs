using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Models;

public sealed class ResourceRequirements
{
    /// <summary>Quantities by resource name ("cpu": "500m", "memory": "1Gi", "nvidia.com/gpu": "1").</summary>
    [JsonConverter(typeof(QuantityMapConverter))]
    public Dictionary<string, string>? Requests { get; set; }
    /// <summary>Quantities by resource name; extended resources must have limits equal to requests.</summary>
    [JsonConverter(typeof(QuantityMapConverter))]
    public Dictionary<string, string>? Limits { get; set; }
}
