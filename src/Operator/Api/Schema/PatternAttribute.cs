namespace MlOperator.Operator.Api.Schema;

/// <summary>ECMA-262 regular expression a string must match (also valid .NET syntax: the validator uses it as is).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PatternAttribute(string regex) : Attribute
{
    public string Regex { get; } = regex;
}
