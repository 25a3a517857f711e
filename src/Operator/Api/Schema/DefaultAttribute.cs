namespace MlOperator.Operator.Api.Schema;

/// <summary>Value the API server fills in when the field is absent (structural-schema default).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}
