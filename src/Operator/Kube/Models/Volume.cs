namespace MlOperator.Operator.Kube.Models;

public sealed class Volume
{
    public string Name { get; set; } = "";
    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; set; }
    public EmptyDirVolumeSource? EmptyDir { get; set; }
}
