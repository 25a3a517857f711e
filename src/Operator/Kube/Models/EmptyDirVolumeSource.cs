namespace MlOperator.Operator.Kube.Models;

public sealed class EmptyDirVolumeSource
{
    /// <summary>"" (node disk) or "Memory".</summary>
    public string? Medium { get; set; }
    public string? SizeLimit { get; set; }
}
