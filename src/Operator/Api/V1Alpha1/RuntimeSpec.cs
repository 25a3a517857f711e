using k8s.Models;
using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>The inference sidecar that loads and serves the model.</summary>
public sealed class RuntimeSpec
{
    /// <summary>Container image of the inference sidecar; defaults to the operator's configured image.</summary>
    [MinLength(1), MaxLength(512)]
    public string? Image { get; set; }

    /// <summary>CPU and memory requests and limits of the sidecar container; accelerators go in spec.accelerator, not here.</summary>
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>Dynamic batching of concurrent inference requests.</summary>
    public BatchingSpec? Batching { get; set; }
}
