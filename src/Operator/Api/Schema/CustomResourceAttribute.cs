namespace MlOperator.Operator.Api.Schema;

/// <summary>CRD-only facts that <see cref="k8s.Models.KubernetesEntityAttribute"/> does not carry.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CustomResourceAttribute : Attribute
{
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
    public string? SpecReplicasPath { get; init; }
    public string? StatusReplicasPath { get; init; }
    public string? LabelSelectorPath { get; init; }
}
