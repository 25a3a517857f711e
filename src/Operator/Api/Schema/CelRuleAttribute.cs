namespace MlOperator.Operator.Api.Schema;

/// <summary>
/// A CEL rule (x-kubernetes-validations) on the object the class describes; <c>self</c> is that object.
/// The API server evaluates it; <see cref="V1Alpha1.ModelDeploymentValidator"/> re-checks each one in C#,
/// because the emulator (and older clusters) do not run CEL.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}
