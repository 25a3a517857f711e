namespace MlOperator.Operator.Kube.Models;

public sealed class MetricTarget
{
    /// <summary>"Utilization", "Value" or "AverageValue".</summary>
    public string Type { get; set; } = "";
    public int? AverageUtilization { get; set; }
    public string? AverageValue { get; set; }
    public string? Value { get; set; }
}
