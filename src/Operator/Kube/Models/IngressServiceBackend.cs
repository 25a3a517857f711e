namespace MlOperator.Operator.Kube.Models;

public sealed class IngressServiceBackend
{
    public string Name { get; set; } = "";
    public ServiceBackendPort? Port { get; set; }
}
