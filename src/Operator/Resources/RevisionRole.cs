namespace MlOperator.Operator.Resources;

public enum RevisionRole
{
    Stable,
    Canary,
}
