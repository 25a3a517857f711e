namespace MlOperator.Operator.Kube.Models;

/// <summary>
/// Lease spec. acquireTime/renewTime are metav1.MicroTime; <see cref="KubeJson"/> writes microseconds
/// whenever the value has a fraction, so renewals within one second stay distinguishable.
/// </summary>
public sealed class LeaseSpec
{
    public string? HolderIdentity { get; set; }
    public int? LeaseDurationSeconds { get; set; }
    public DateTimeOffset? AcquireTime { get; set; }
    public DateTimeOffset? RenewTime { get; set; }
    public int? LeaseTransitions { get; set; }
}
