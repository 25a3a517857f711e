using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>Labels and annotations on the children of a ModelDeployment.</summary>
public static class ModelDeploymentLabels
{
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string Version = "app.kubernetes.io/version";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "mloperator";
    public const string ModelDeploymentLabel = "serving.mloperator.io/model-deployment";
    public const string Revision = "serving.mloperator.io/revision";
    public const string Role = "serving.mloperator.io/role";

    /// <summary>On each Deployment: the revision template as JSON, so a later pass can rebuild the stable revision after the spec moved on.</summary>
    public const string TemplateAnnotation = "serving.mloperator.io/template";

    /// <summary>Selects every pod of the ModelDeployment, whatever the revision: the Service's selector.</summary>
    public static Dictionary<string, string> Selector(ModelDeployment md) => new(StringComparer.Ordinal)
    {
        [ModelDeploymentLabel] = LabelValue(md.Metadata.Name),
    };

    /// <summary>The selector in string form, for status.selector (the scale subresource).</summary>
    public static string SelectorText(ModelDeployment md) => $"{ModelDeploymentLabel}={LabelValue(md.Metadata.Name)}";

    /// <summary>Labels of objects that belong to the ModelDeployment as a whole (Service, Ingress, HPA).</summary>
    public static Dictionary<string, string> Common(ModelDeployment md) => new(StringComparer.Ordinal)
    {
        [Name] = LabelValue(md.Spec.Model.Name),
        [Instance] = LabelValue(md.Metadata.Name),
        [ManagedBy] = ManagedByValue,
        [ModelDeploymentLabel] = LabelValue(md.Metadata.Name),
    };

    /// <summary>Labels of one revision's Deployment and pods.</summary>
    public static Dictionary<string, string> ForRevision(ModelDeployment md, RevisionPlan revision)
    {
        var labels = Common(md);
        labels[Name] = LabelValue(revision.Template.Model.Name);
        labels[Version] = LabelValue(revision.Template.Model.Version);
        labels[Revision] = revision.Hash;
        return labels;
    }

    /// <summary>The Deployment's (immutable) selector: this ModelDeployment and this revision.</summary>
    public static Dictionary<string, string> RevisionSelector(ModelDeployment md, RevisionPlan revision) => new(StringComparer.Ordinal)
    {
        [ModelDeploymentLabel] = LabelValue(md.Metadata.Name),
        [Revision] = revision.Hash,
    };

    /// <summary>The pods (and Deployment) of one revision as a label selector string, for listing them from the Pod cache.</summary>
    public static string RevisionSelectorText(string modelDeployment, string revision) =>
        $"{ModelDeploymentLabel}={LabelValue(modelDeployment)},{Revision}={revision}";

    /// <summary>Label values are at most 63 characters; longer names keep a hash of the rest so they stay unique.</summary>
    public static string LabelValue(string? value) => ModelDeploymentNames.Fit(value ?? "", "", 63);
}
