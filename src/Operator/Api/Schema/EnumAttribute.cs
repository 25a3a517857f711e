namespace MlOperator.Operator.Api.Schema;

/// <summary>The only values a string may take.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class EnumAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
