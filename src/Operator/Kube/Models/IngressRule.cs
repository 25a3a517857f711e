namespace MlOperator.Operator.Kube.Models;

public sealed class IngressRule
{
    public string? Host { get; set; }
    public HttpIngressRuleValue? Http { get; set; }
}
