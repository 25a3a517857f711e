namespace MlOperator.Operator.Kube.Models;

public sealed class IngressTls
{
    public List<string>? Hosts { get; set; }
    public string? SecretName { get; set; }
}
