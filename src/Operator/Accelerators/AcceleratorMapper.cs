using System.Globalization;
using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Accelerators;

/// <summary>
/// spec.accelerator → pod scheduling. Extended resources cannot be overcommitted, so the count goes into
/// requests and limits alike; the product (and for TPUs the topology) becomes node selectors; the node
/// pool's NoSchedule taint is tolerated. Pure and total: the validator has already rejected bad specs, and
/// anything it let through still maps to something the API server accepts.
/// </summary>
public static class AcceleratorMapper
{
    public static AcceleratorPlacement Map(AcceleratorSpec? accelerator)
    {
        if (accelerator is null || string.IsNullOrEmpty(accelerator.Type) || accelerator.Count is < 1)
        {
            return AcceleratorPlacement.None;
        }

        var profile = AcceleratorCatalog.For(accelerator.Type);
        var count = (accelerator.Count ?? 1).ToString(CultureInfo.InvariantCulture);
        var nodeSelector = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (profile.ProductLabel is not null && !string.IsNullOrEmpty(accelerator.Product))
        {
            nodeSelector[profile.ProductLabel] = accelerator.Product;
        }

        if (profile.TopologyLabel is not null && !string.IsNullOrEmpty(accelerator.Topology))
        {
            nodeSelector[profile.TopologyLabel] = accelerator.Topology;
        }

        return new AcceleratorPlacement(
            new Dictionary<string, string> { [profile.ResourceName] = count },
            new Dictionary<string, string>(nodeSelector),
            [new V1Toleration { Key = profile.TaintKey, OperatorProperty = "Exists", Effect = "NoSchedule" }]);
    }

    /// <summary>
    /// Pods (TPU hosts) that make up one TPU slice: the topology's chips divided by the chips per pod, or 1
    /// when that does not apply. A replica count that is not a multiple of it leaves a slice half-scheduled.
    /// </summary>
    public static int HostsPerSlice(AcceleratorSpec? accelerator) =>
        accelerator is { Type: AcceleratorSpec.GoogleTpu, Count: > 0 } && TpuTopology.TryParse(accelerator.Topology, out var topology)
            && topology.Chips % accelerator.Count.Value == 0
            ? topology.Chips / accelerator.Count.Value
            : 1;
}
