using System.Text.Json.Serialization;
using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>Horizontal autoscaling of the stable revision (an autoscaling/v2 HorizontalPodAutoscaler).</summary>
[CelRule(ModelDeploymentCelRules.MaxReplicasAtLeastMin, "spec.autoscaling.maxReplicas must be greater than or equal to minReplicas")]
public sealed class AutoscalingSpec
{
    /// <summary>Fewest pods; also the floor a quota-constrained canary may shrink the stable revision to.</summary>
    [Minimum(1), Maximum(1000), Default(1)]
    public int? MinReplicas { get; set; }

    /// <summary>Most pods.</summary>
    [Required, Minimum(1), Maximum(1000)]
    public int MaxReplicas { get; set; }

    /// <summary>Average CPU utilisation, in percent of the requested CPU, the autoscaler aims for.</summary>
    [JsonPropertyName("targetCPUUtilizationPercentage")]
    [Minimum(1), Maximum(100), Default(80)]
    public int? TargetCPUUtilizationPercentage { get; set; }
}
