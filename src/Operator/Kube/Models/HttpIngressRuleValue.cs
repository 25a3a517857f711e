namespace MlOperator.Operator.Kube.Models;

public sealed class HttpIngressRuleValue
{
    public List<HttpIngressPath> Paths { get; set; } = [];
}
