namespace MlOperator.Operator.Kube.Models;

public sealed class EnvVar
{
    public string Name { get; set; } = "";
    public string? Value { get; set; }
    public EnvVarSource? ValueFrom { get; set; }
}
