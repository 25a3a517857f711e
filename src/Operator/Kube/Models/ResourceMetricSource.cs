namespace MlOperator.Operator.Kube.Models;

public sealed class ResourceMetricSource
{
    public string Name { get; set; } = "";
    public MetricTarget Target { get; set; } = new();
}
