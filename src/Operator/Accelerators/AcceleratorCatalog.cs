using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Accelerators;

/// <summary>
/// The accelerator types we know. Label choices:
/// NVIDIA — <c>nvidia.com/gpu.product</c> from GPU feature discovery (values such as NVIDIA-L4, Tesla-T4);
/// AMD — <c>amd.com/gpu.product-name</c> from ROCm's k8s-node-labeller (values such as AMD_Instinct_MI300X_OAM);
/// TPU — GKE's <c>cloud.google.com/gke-tpu-accelerator</c> and <c>cloud.google.com/gke-tpu-topology</c>.
/// GKE taints GPU and TPU node pools with NoSchedule taints keyed by the resource name
/// (<c>nvidia.com/gpu=present</c>, <c>google.com/tpu=present</c>); the AMD GPU operator's docs use
/// <c>amd.com/gpu</c> the same way, so one rule covers all three.
/// </summary>
public static class AcceleratorCatalog
{
    public const string NvidiaProductLabel = "nvidia.com/gpu.product";
    public const string AmdProductLabel = "amd.com/gpu.product-name";
    public const string TpuAcceleratorLabel = "cloud.google.com/gke-tpu-accelerator";
    public const string TpuTopologyLabel = "cloud.google.com/gke-tpu-topology";

    private static readonly Dictionary<string, AcceleratorProfile> Profiles = new(StringComparer.Ordinal)
    {
        [AcceleratorSpec.NvidiaGpu] = new(AcceleratorSpec.NvidiaGpu, NvidiaProductLabel, null, AcceleratorSpec.NvidiaGpu),
        [AcceleratorSpec.AmdGpu] = new(AcceleratorSpec.AmdGpu, AmdProductLabel, null, AcceleratorSpec.AmdGpu),
        [AcceleratorSpec.GoogleTpu] = new(AcceleratorSpec.GoogleTpu, TpuAcceleratorLabel, TpuTopologyLabel, AcceleratorSpec.GoogleTpu),
    };

    public static IReadOnlyCollection<AcceleratorProfile> All => Profiles.Values;

    /// <summary>
    /// The profile of a type. A type we do not know (the schema's enum stops it at the API server, but an
    /// older CRD might not) is still an extended resource: request it and tolerate its taint, select no nodes.
    /// </summary>
    public static AcceleratorProfile For(string type) =>
        Profiles.TryGetValue(type, out var profile) ? profile : new AcceleratorProfile(type, null, null, type);
}
