namespace MlOperator.Operator.Kube.Models;

public sealed class IngressBackend
{
    public IngressServiceBackend? Service { get; set; }
}
