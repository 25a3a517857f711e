using MlOperator.Operator.Resources;

namespace MlOperator.Operator.Quota;

/// <summary>
/// The quota charge of applying a desired state: per revision, the pods it will run beyond those that already
/// exist (existing pods are already in status.used). A revision whose replicas the HPA owns counts at least
/// the HPA's minReplicas. Surge pods of an in-place rolling update are not counted: a revision's template only
/// changes in place when operator defaults change, and accelerator revisions roll without surge. The one formula for
/// pod demand: the reconciler's quota gate and the tests use it, nothing else computes it.
/// </summary>
public static class DesiredStateDemand
{
    public static IReadOnlyList<QuotaDemand> Additional(DesiredState desired, ObservedState observed)
    {
        var demands = new List<QuotaDemand>();
        for (var i = 0; i < desired.Revisions.Count; i++)
        {
            var revision = desired.Revisions[i];
            var pod = desired.Deployments[i].Spec?.Template?.Spec;
            if (pod is null)
            {
                continue;
            }

            var current = observed.CurrentReplicas(revision.Hash);
            var target = revision.Replicas ?? Math.Max(current, desired.HorizontalPodAutoscaler?.Spec?.MinReplicas ?? 1);
            if (target > current)
            {
                demands.Add(QuotaDemand.ForPods(pod, target - current));
            }
        }

        return demands;
    }

    /// <summary>
    /// Pods this pass gives back: every owned Deployment the desired state no longer has or scales to zero (a replaced revision), at the
    /// larger of its desired and current size, so a plan that swaps revisions is credited what the old one frees.
    /// </summary>
    public static IReadOnlyList<QuotaDemand> Released(DesiredState desired, ObservedState observed)
    {
        // Revisions scaled to zero this pass (retiring) free their pods too.
        var desiredNames = desired.Deployments.Where(d => d.Spec?.Replicas != 0).Select(d => d.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        return [.. observed.Deployments
            .Where(d => !desiredNames.Contains(d.Metadata.Name) && d.Spec?.Template?.Spec is not null)
            .Select(d => QuotaDemand.ForPods(d.Spec!.Template!.Spec!, Math.Max(d.Spec.Replicas ?? 1, d.Status?.Replicas ?? 0)))];
    }
}
