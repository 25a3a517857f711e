namespace MlOperator.Operator.Kube.Models;

public sealed class Toleration
{
    public string? Key { get; set; }
    /// <summary>"Exists" or "Equal".</summary>
    public string? Operator { get; set; }
    public string? Value { get; set; }
    /// <summary>"NoSchedule", "PreferNoSchedule" or "NoExecute"; empty matches all.</summary>
    public string? Effect { get; set; }
    public long? TolerationSeconds { get; set; }
}
