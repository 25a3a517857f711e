namespace MlOperator.Operator.Quota;

/// <summary>
/// How to make room for a canary. For <see cref="CanaryCapacityMode.NoSurge"/> the reconciler scales the stable
/// Deployment down to <see cref="StableReplicas"/> first and creates the canary once those pods are gone (quota
/// usage drops only when they terminate). <see cref="Check"/> is the check that decided (the surge check when
/// blocked), <see cref="Reason"/> a plain sentence for status and events.
/// </summary>
public sealed record CanaryCapacityPlan(CanaryCapacityMode Mode, int StableReplicas, int CanaryReplicas, QuotaCheck Check, string Reason);
