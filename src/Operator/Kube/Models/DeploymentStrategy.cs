namespace MlOperator.Operator.Kube.Models;

public sealed class DeploymentStrategy
{
    /// <summary>"RollingUpdate" or "Recreate".</summary>
    public string? Type { get; set; }
    public RollingUpdateDeployment? RollingUpdate { get; set; }
}
