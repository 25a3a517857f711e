namespace MlOperator.Operator.Accelerators;

/// <summary>
/// How one accelerator type reaches the scheduler: the extended resource its device plugin advertises, the
/// node label that names the product, the node label that names a TPU topology, and the taint key cloud
/// providers put on such nodes.
/// </summary>
public sealed record AcceleratorProfile(string ResourceName, string? ProductLabel, string? TopologyLabel, string TaintKey);
