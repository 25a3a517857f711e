namespace MlOperator.Operator.Kube.Models;

[KubeResource("apps", "v1", "Deployment", "deployments")]
public sealed class Deployment : KubeObject
{
    public DeploymentSpec? Spec { get; set; }
    public DeploymentStatus? Status { get; set; }
}
