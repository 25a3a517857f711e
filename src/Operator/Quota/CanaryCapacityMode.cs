namespace MlOperator.Operator.Quota;

public enum CanaryCapacityMode
{
    /// <summary>The canary's pods fit next to the stable ones.</summary>
    Surge,

    /// <summary>They fit only if the stable revision first shrinks by the canary's size (never below minReplicas).</summary>
    NoSurge,

    /// <summary>Neither fits: wait with QuotaExceeded.</summary>
    Blocked,
}
