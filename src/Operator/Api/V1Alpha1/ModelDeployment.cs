using MlOperator.Operator.Api.Schema;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// ModelDeployment serves one ONNX model behind a Service, autoscales it, and ships new model versions
/// through canary rollouts that roll back on their own when health metrics regress.
/// </summary>
[KubeResource(ModelDeployment.Group, ModelDeployment.Version, "ModelDeployment", "modeldeployments")]
[CustomResource(ShortNames = ["md", "mdep"], Categories = ["ml"],
    SpecReplicasPath = ".spec.replicas", StatusReplicasPath = ".status.replicas", LabelSelectorPath = ".status.selector")]
[CelRule(ModelDeploymentCelRules.NameIsServiceName,
    "metadata.name must start with a lower-case letter and contain only lower-case letters, digits and '-': it names the Service")]
[PrinterColumn(0, "MODEL", "string", ".spec.model.name", Description = "Model name served on /v2/models/{name}")]
[PrinterColumn(1, "STABLE", "string", ".status.stableVersion", Description = "Model version that takes stable traffic")]
[PrinterColumn(2, "CANARY", "string", ".status.canary.version", Description = "Model version under canary analysis")]
[PrinterColumn(3, "WEIGHT", "integer", ".status.canary.weight", Description = "Percent of traffic on the canary")]
[PrinterColumn(4, "PHASE", "string", ".status.phase", Description = "Lifecycle phase")]
[PrinterColumn(5, "READY", "string", ".status.conditions[?(@.type==\"Ready\")].status", Description = "Ready condition status")]
[PrinterColumn(6, "AGE", "date", ".metadata.creationTimestamp")]
public sealed class ModelDeployment : KubeObject
{
    public const string Group = "serving.mloperator.io";
    public const string Version = "v1alpha1";

    /// <summary>Desired state: the model, its runtime and hardware, how it is exposed and how new versions roll out.</summary>
    [Required]
    public ModelDeploymentSpec Spec { get; set; } = new();

    /// <summary>Observed state, written by the operator.</summary>
    public ModelDeploymentStatus? Status { get; set; }
}
