namespace MlOperator.Operator.Kube.Models;

public sealed class ObjectFieldSelector
{
    public string? ApiVersion { get; set; }
    public string FieldPath { get; set; } = "";
}
