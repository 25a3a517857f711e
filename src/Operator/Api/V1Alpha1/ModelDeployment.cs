using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>
/// ModelDeployment serves one ONNX model behind a Service, autoscales it, and ships new model versions
/// through canary rollouts that roll back on their own when health metrics regress.
/// </summary>
[KubernetesEntity(Group = ModelDeployment.Group, ApiVersion = ModelDeployment.Version, Kind = ModelDeployment.EntityKind, PluralName = ModelDeployment.Plural)]
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
public sealed class ModelDeployment : IKubernetesObject<V1ObjectMeta>, ISpec<ModelDeploymentSpec>, IStatus<ModelDeploymentStatus?>
{
    public const string Group = "serving.mloperator.io";
    public const string Version = "v1alpha1";
    public const string EntityKind = "ModelDeployment";
    public const string Plural = "modeldeployments";

    [JsonPropertyName("apiVersion"), JsonPropertyOrder(-3)]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    [JsonPropertyName("kind"), JsonPropertyOrder(-2)]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata"), JsonPropertyOrder(-1)]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Desired state: the model, its runtime and hardware, how it is exposed and how new versions roll out.</summary>
    [Required]
    [JsonPropertyName("spec")]
    public ModelDeploymentSpec Spec { get; set; } = new();

    /// <summary>Observed state, written by the operator.</summary>
    [JsonPropertyName("status")]
    public ModelDeploymentStatus? Status { get; set; }
}
