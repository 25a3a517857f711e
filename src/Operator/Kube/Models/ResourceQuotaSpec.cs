using System.Text.Json.Serialization;

namespace MlOperator.Operator.Kube.Models;

public sealed class ResourceQuotaSpec
{
    [JsonConverter(typeof(QuantityMapConverter))]
    public Dictionary<string, string>? Hard { get; set; }
    /// <summary>"Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", …</summary>
    public List<string>? Scopes { get; set; }
    public ScopeSelector? ScopeSelector { get; set; }
}
