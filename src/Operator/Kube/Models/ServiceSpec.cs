namespace MlOperator.Operator.Kube.Models;

public sealed class ServiceSpec
{
    /// <summary>"ClusterIP" (default), "NodePort", "LoadBalancer" or "ExternalName".</summary>
    public string? Type { get; set; }
    public Dictionary<string, string>? Selector { get; set; }
    public List<ServicePort>? Ports { get; set; }
    public string? ClusterIP { get; set; }
}
