namespace MlOperator.Operator.Kube.Models;

/// <summary>core/v1 ObjectReference: how an Event names the object it is about.</summary>
public sealed class ObjectReference
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public string? Namespace { get; set; }
    public string? Name { get; set; }
    public string? Uid { get; set; }
    public string? ResourceVersion { get; set; }
    public string? FieldPath { get; set; }
}
