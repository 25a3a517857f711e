namespace MlOperator.Operator.Kube.Models;

public sealed class SeccompProfile
{
    /// <summary>"RuntimeDefault", "Localhost" or "Unconfined".</summary>
    public string Type { get; set; } = "";
    public string? LocalhostProfile { get; set; }
}
