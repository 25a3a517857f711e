namespace MlOperator.Operator.Kube.Models;

public sealed class IngressSpec
{
    public string? IngressClassName { get; set; }
    public List<IngressRule>? Rules { get; set; }
    public List<IngressTls>? Tls { get; set; }
}
