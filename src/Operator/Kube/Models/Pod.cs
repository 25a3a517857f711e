namespace MlOperator.Operator.Kube.Models;

[KubeResource("", "v1", "Pod", "pods")]
public sealed class Pod : KubeObject
{
    public PodSpec? Spec { get; set; }
    public PodStatus? Status { get; set; }
}
