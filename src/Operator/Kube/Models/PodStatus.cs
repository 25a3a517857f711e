namespace MlOperator.Operator.Kube.Models;

public sealed class PodStatus
{
    /// <summary>"Pending", "Running", "Succeeded", "Failed" or "Unknown".</summary>
    public string? Phase { get; set; }
    public string? PodIP { get; set; }
    public List<PodCondition>? Conditions { get; set; }
}
