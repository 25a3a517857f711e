namespace MlOperator.Operator.Kube.Models;

[KubeResource("", "v1", "ResourceQuota", "resourcequotas")]
public sealed class ResourceQuota : KubeObject
{
    public ResourceQuotaSpec? Spec { get; set; }
    public ResourceQuotaStatus? Status { get; set; }
}
