namespace MlOperator.Operator.Kube.Models;

[KubeResource("", "v1", "Service", "services")]
public sealed class Service : KubeObject
{
    public ServiceSpec? Spec { get; set; }
}
