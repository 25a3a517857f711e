namespace MlOperator.Operator.Api.Schema;

/// <summary>Inclusive upper bound of a number.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MaximumAttribute(double value) : Attribute
{
    public double Value { get; } = value;
}
