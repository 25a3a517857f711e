using MlOperator.Operator.Resources;

namespace MlOperator.Operator.Rollout;

/// <summary>The traffic share a router (the NginxIngress canary Ingress) sends to a weighted canary on this pass.</summary>
public static class CanaryTraffic
{
    /// <summary>
    /// status.canary.weight (the step's weight once its pods are Ready, the previous step's until then, the last step's
    /// while promoting), but 0 while the canary Deployment has no Ready pod: a router must never send a share to a
    /// Service without endpoints (kserve#5983). Null when no weighted canary runs.
    /// </summary>
    public static int? Weight(RevisionDecision decision, ObservedState observed)
    {
        if (decision is not { Incoming: { } incoming, Canary.Weight: int weight })
        {
            return null;
        }

        return (observed.Revision(incoming.Hash)?.Status?.ReadyReplicas ?? 0) > 0 ? weight : 0;
    }
}
