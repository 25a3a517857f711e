namespace MlOperator.Operator.Api.Schema;

/// <summary>The field must be present (OpenAPI <c>required</c>; the validator re-checks).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RequiredAttribute : Attribute
{
}
