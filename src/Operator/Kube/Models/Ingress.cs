namespace MlOperator.Operator.Kube.Models;

[KubeResource("networking.k8s.io", "v1", "Ingress", "ingresses")]
public sealed class Ingress : KubeObject
{
    public IngressSpec? Spec { get; set; }
}
