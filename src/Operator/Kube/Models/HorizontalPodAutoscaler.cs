namespace MlOperator.Operator.Kube.Models;

[KubeResource("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers")]
public sealed class HorizontalPodAutoscaler : KubeObject
{
    public HorizontalPodAutoscalerSpec? Spec { get; set; }
    public HorizontalPodAutoscalerStatus? Status { get; set; }
}
