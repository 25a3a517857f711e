namespace MlOperator.Operator.Api.Schema;

/// <summary>Longest allowed string.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MaxLengthAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}
