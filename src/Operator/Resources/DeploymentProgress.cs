using k8s.Models;

namespace MlOperator.Operator.Resources;

/// <summary>What a Deployment's status says about its rollout, as the Deployment controller reports it.</summary>
public static class DeploymentProgress
{
    /// <summary>
    /// True when the Deployment controller has observed the latest spec and every wanted pod is updated and
    /// available, with no old pods left (kstatus "Current" for a Deployment).
    /// </summary>
    public static bool IsComplete(V1Deployment? deployment, int wanted)
    {
        if (deployment?.Status is not { } s || deployment.Metadata.Generation is not { } generation)
        {
            return false;
        }

        return s.ObservedGeneration >= generation
            && (s.UpdatedReplicas ?? 0) >= wanted
            && (s.AvailableReplicas ?? 0) >= wanted
            && (s.Replicas ?? 0) == (s.UpdatedReplicas ?? 0);
    }
}
