namespace MlOperator.Operator.Api.Schema;

/// <summary>Shortest allowed string.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MinLengthAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}
