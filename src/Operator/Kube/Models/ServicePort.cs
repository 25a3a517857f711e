namespace MlOperator.Operator.Kube.Models;

public sealed class ServicePort
{
    public string? Name { get; set; }
    public int Port { get; set; }
    public IntOrString? TargetPort { get; set; }
    public string? Protocol { get; set; }
    public string? AppProtocol { get; set; }
}
