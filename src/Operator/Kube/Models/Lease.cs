namespace MlOperator.Operator.Kube.Models;

/// <summary>coordination.k8s.io/v1 Lease: the lock object leader election writes.</summary>
[KubeResource("coordination.k8s.io", "v1", "Lease", "leases")]
public sealed class Lease : KubeObject
{
    public LeaseSpec Spec { get; set; } = new();
}
