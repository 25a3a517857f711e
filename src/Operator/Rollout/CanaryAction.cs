namespace MlOperator.Operator.Rollout;

public enum CanaryAction
{
    /// <summary>Keep the canary at the decided size and weight.</summary>
    Progress,

    /// <summary>The last step passed: the canary becomes stable.</summary>
    Promote,

    /// <summary>Traffic back to the stable at once; the canary goes.</summary>
    RollBack,
}
