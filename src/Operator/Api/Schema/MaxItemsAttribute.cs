namespace MlOperator.Operator.Api.Schema;

/// <summary>Longest allowed list.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MaxItemsAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}
