namespace MlOperator.Operator.Kube.Models;

public sealed class HttpIngressPath
{
    public string? Path { get; set; }
    /// <summary>"Prefix", "Exact" or "ImplementationSpecific".</summary>
    public string PathType { get; set; } = "Prefix";
    public IngressBackend Backend { get; set; } = new();
}
