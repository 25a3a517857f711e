namespace MlOperator.Operator.Kube.Models;

public sealed class CrossVersionObjectReference
{
    public string? ApiVersion { get; set; }
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
}
