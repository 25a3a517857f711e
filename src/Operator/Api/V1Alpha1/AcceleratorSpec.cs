using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>The accelerator each pod needs: extended resource, count, and the node product or TPU topology.</summary>
[CelRule(ModelDeploymentCelRules.AcceleratorCountPositive, "spec.accelerator.count must be at least 1 when spec.accelerator.type is set")]
[CelRule(ModelDeploymentCelRules.TopologyOnlyForTpu, "spec.accelerator.topology applies only to type google.com/tpu")]
[CelRule(ModelDeploymentCelRules.TpuNeedsProductAndTopology, "spec.accelerator type google.com/tpu requires product (e.g. tpu-v5-lite-podslice) and topology (e.g. 2x4)")]
[CelRule(ModelDeploymentCelRules.TpuCountDividesTopology, "spec.accelerator.count (TPU chips per pod) must divide the chip count of spec.accelerator.topology")]
public sealed class AcceleratorSpec
{
    /// <summary>Extended resource to request: nvidia.com/gpu, amd.com/gpu or google.com/tpu.</summary>
    [Required, Enum(NvidiaGpu, AmdGpu, GoogleTpu)]
    public string Type { get; set; } = "";

    /// <summary>Devices per pod (TPU: chips per pod, i.e. per TPU host).</summary>
    [Minimum(0), Maximum(64), Default(1)]
    public int? Count { get; set; }

    /// <summary>
    /// Node product to schedule on: the GPU product label (NVIDIA-L4, Tesla-T4 and so on) or the GKE TPU accelerator
    /// (tpu-v5-lite-podslice, tpu-v5p-slice and so on).
    /// </summary>
    [MaxLength(63), Pattern(ModelSpec.NamePattern)]
    public string? Product { get; set; }

    /// <summary>TPU slice topology such as 2x4 or 2x2x2 (google.com/tpu only).</summary>
    [MaxLength(16), Pattern(TopologyPattern)]
    public string? Topology { get; set; }

    public const string NvidiaGpu = "nvidia.com/gpu";
    public const string AmdGpu = "amd.com/gpu";
    public const string GoogleTpu = "google.com/tpu";
    public const string TopologyPattern = "^[1-9][0-9]{0,3}x[1-9][0-9]{0,3}(x[1-9][0-9]{0,3})?$";
}
