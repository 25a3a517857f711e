namespace MlOperator.Operator.Kube.Models;

public sealed class HorizontalPodAutoscalerSpec
{
    public CrossVersionObjectReference ScaleTargetRef { get; set; } = new();
    public int? MinReplicas { get; set; }
    public int MaxReplicas { get; set; }
    public List<MetricSpec>? Metrics { get; set; }
}
