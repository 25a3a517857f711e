namespace MlOperator.Operator.Kube.Models;

public sealed class MetricSpec
{
    /// <summary>"Resource", "Pods", "Object", "External" or "ContainerResource"; we only write "Resource".</summary>
    public string Type { get; set; } = "";
    public ResourceMetricSource? Resource { get; set; }
}
