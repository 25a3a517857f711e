namespace MlOperator.Operator.Rollout;

/// <summary>Replica math of a canary step: the one place that turns a traffic weight into pods.</summary>
public static class CanaryReplicas
{
    /// <summary>
    /// Canary pods for a step so that, with ReplicaRatio routing, the canary's share of ready pods is at least the
    /// step's weight: ceil(weight × stable / 100), never fewer than one.
    /// </summary>
    public static int ForWeight(int weightPercent, int stableReplicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(weightPercent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weightPercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(stableReplicas);
        return Math.Max(1, (int)((weightPercent * (long)stableReplicas + 99) / 100));
    }

    /// <summary>
    /// The traffic share the canary really gets with ReplicaRatio routing, in percent: ready canary pods over all
    /// ready pods. 0 when none is ready.
    /// </summary>
    public static int EffectiveWeight(int readyCanary, int readyStable)
    {
        var total = readyCanary + readyStable;
        return total == 0 ? 0 : (int)Math.Round(100.0 * readyCanary / total, MidpointRounding.AwayFromZero);
    }
}
