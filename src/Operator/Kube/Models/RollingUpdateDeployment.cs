namespace MlOperator.Operator.Kube.Models;

public sealed class RollingUpdateDeployment
{
    public IntOrString? MaxSurge { get; set; }
    public IntOrString? MaxUnavailable { get; set; }
}
