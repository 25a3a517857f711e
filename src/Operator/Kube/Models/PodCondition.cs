namespace MlOperator.Operator.Kube.Models;

public sealed class PodCondition
{
    /// <summary>"Ready", "ContainersReady", "Initialized", "PodScheduled", …</summary>
    public string? Type { get; set; }
    public string? Status { get; set; }
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset? LastTransitionTime { get; set; }
}
