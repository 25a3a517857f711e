namespace MlOperator.Operator.Kube.Models;

/// <summary>Any {Kind}List: list meta plus items.</summary>
public sealed class KubeList<T> where T : IKubernetesObject
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public ListMeta Metadata { get; set; } = new();
    public List<T> Items { get; set; } = [];
}
