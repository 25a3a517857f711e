using k8s.Models;

namespace MlOperator.Operator.Accelerators;

/// <summary>What an accelerator adds to a pod: resources (in requests and in limits), node selector, tolerations.</summary>
public sealed record AcceleratorPlacement(
    IReadOnlyDictionary<string, string> Resources,
    IReadOnlyDictionary<string, string> NodeSelector,
    IReadOnlyList<V1Toleration> Tolerations)
{
    public static AcceleratorPlacement None { get; } = new(
        new Dictionary<string, string>(), new Dictionary<string, string>(), []);

    public bool IsNone => Resources.Count == 0;
}
