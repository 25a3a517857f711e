namespace MlOperator.Operator.Api.Schema;

/// <summary>A list merged by key (x-kubernetes-list-type: map), like status conditions by type.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ListMapAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}
