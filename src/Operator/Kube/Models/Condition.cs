namespace MlOperator.Operator.Kube.Models;

/// <summary>metav1.Condition.</summary>
public sealed record Condition
{
    public string Type { get; init; } = "";
    /// <summary>"True", "False" or "Unknown".</summary>
    public string Status { get; init; } = "Unknown";
    public long? ObservedGeneration { get; init; }
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string Reason { get; init; } = "";
    public string Message { get; init; } = "";
}
