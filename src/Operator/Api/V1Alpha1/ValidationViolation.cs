namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>One broken rule: the field path, the rule ("minimum 1", "pattern …", "cel: …") and a plain message naming both.</summary>
public sealed record ValidationViolation(string Field, string Rule, string Message)
{
    public override string ToString() => Message;
}
