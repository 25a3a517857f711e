using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Models;

public sealed class ResourceQuotaStatus
{
    [JsonConverter(typeof(QuantityMapConverter))]
    public Dictionary<string, string>? Hard { get; set; }
    [JsonConverter(typeof(QuantityMapConverter))]
    public Dictionary<string, string>? Used { get; set; }
}
