namespace MlOperator.Operator.Kube.Models;

public sealed class HorizontalPodAutoscalerStatus
{
    public long? ObservedGeneration { get; set; }
    public int? CurrentReplicas { get; set; }
    public int? DesiredReplicas { get; set; }
}
