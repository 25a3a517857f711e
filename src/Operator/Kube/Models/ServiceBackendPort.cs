namespace MlOperator.Operator.Kube.Models;

public sealed class ServiceBackendPort
{
    public string? Name { get; set; }
    public int? Number { get; set; }
}
