using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>Desired state of a ModelDeployment.</summary>
[CelRule(ModelDeploymentCelRules.NginxRoutingNeedsIngress, "spec.rollout.trafficRouting NginxIngress requires spec.ingress")]
public sealed class ModelDeploymentSpec
{
    /// <summary>The model to serve. A change of name, version, uri, sha256 or credentialsSecret starts a rollout.</summary>
    [Required]
    public ModelSpec Model { get; set; } = new();

    /// <summary>The inference sidecar: image, resources and batching. Unset fields take the operator's defaults.</summary>
    public RuntimeSpec? Runtime { get; set; }

    /// <summary>GPU or TPU each pod needs; omit for CPU-only serving.</summary>
    public AcceleratorSpec? Accelerator { get; set; }

    /// <summary>Number of pods when autoscaling is not set; ignored when spec.autoscaling is set.</summary>
    [Minimum(0), Maximum(1000), Default(1)]
    public int? Replicas { get; set; }

    /// <summary>Horizontal autoscaling on CPU utilisation; when set, the HorizontalPodAutoscaler owns the replica count.</summary>
    public AutoscalingSpec? Autoscaling { get; set; }

    /// <summary>The Service clients call, named after the ModelDeployment.</summary>
    public ModelServiceSpec? Service { get; set; }

    /// <summary>An Ingress in front of the Service; omit to stay cluster-internal.</summary>
    public ModelIngressSpec? Ingress { get; set; }

    /// <summary>
    /// ServiceAccount the model pods run as, for workload identity (EKS IRSA, GKE Workload Identity, Azure Workload
    /// Identity) instead of a credentials Secret; default: the namespace's default ServiceAccount. A change updates
    /// the pods of every revision in place; it does not start a canary.
    /// </summary>
    [MaxLength(253), Pattern(ModelSpec.SecretNamePattern)]
    public string? ServiceAccountName { get; set; }

    /// <summary>How a new model version replaces the stable one.</summary>
    public RolloutSpec? Rollout { get; set; }
}
