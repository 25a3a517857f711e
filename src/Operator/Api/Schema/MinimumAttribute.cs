namespace MlOperator.Operator.Api.Schema;

/// <summary>Inclusive lower bound of a number.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MinimumAttribute(double value) : Attribute
{
    public double Value { get; } = value;
}
