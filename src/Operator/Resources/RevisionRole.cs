namespace MlOperator.Operator.Resources;

public enum RevisionRole
{
    Stable,
    Canary,

    /// <summary>A revision on its way out (rolled back, superseded or replaced): scaled to zero, deleted once its pods are gone.</summary>
    Retiring,
}
