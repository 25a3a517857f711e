namespace MlOperator.Operator.Kube.Models;

public sealed class PersistentVolumeClaimVolumeSource
{
    public string ClaimName { get; set; } = "";
    public bool? ReadOnly { get; set; }
}
