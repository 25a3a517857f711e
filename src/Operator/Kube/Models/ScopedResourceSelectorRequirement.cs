namespace MlOperator.Operator.Kube.Models;

public sealed class ScopedResourceSelectorRequirement
{
    public string ScopeName { get; set; } = "";
    /// <summary>"In", "NotIn", "Exists" or "DoesNotExist".</summary>
    public string Operator { get; set; } = "";
    public List<string>? Values { get; set; }
}
