using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Quota;

/// <summary>
/// Does a set of new pods fit the namespace's ResourceQuotas? Each quota offers status.hard − status.used
/// (spec.hard and 0 used before the quota controller has filled in status) to the demands its scopes select.
/// Scopes honoured: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass (scopes list and
/// scopeSelector with In/NotIn/Exists/DoesNotExist), CrossNamespacePodAffinity (our pods never set
/// cross-namespace affinity, so such quotas never apply). Skipped, and said so: any other scope (e.g.
/// VolumeAttributesClass, which selects PVCs, not pods) and malformed scope selectors. Quota keys that pods do
/// not charge (services, count/deployments.apps …) are ignored. Pure.
/// </summary>
public static class QuotaPlanner
{
    /// <summary>
    /// Checks <paramref name="demands"/> (pods to add) against <paramref name="quotas"/>; <paramref name="released"/>
    /// are pods that will be gone first, whose charge becomes available again.
    /// </summary>
    public static QuotaCheck Check(IReadOnlyList<QuotaDemand> demands, IReadOnlyList<V1ResourceQuota> quotas, IReadOnlyList<QuotaDemand>? released = null)
    {
        var shortfalls = new List<QuotaShortfall>();
        var skipped = new List<string>();
        var warnings = new List<string>();
        foreach (var quota in quotas.OrderBy(q => q.Metadata.Name, StringComparer.Ordinal))
        {
            var name = quota.Metadata.Name ?? "";
            var matched = new List<QuotaDemand>();
            var freed = new List<QuotaDemand>();
            string? skipReason = null;
            foreach (var demand in demands)
            {
                if (Applies(quota, demand.Scope, out skipReason))
                {
                    matched.Add(demand);
                }
            }

            foreach (var demand in released ?? [])
            {
                if (Applies(quota, demand.Scope, out _))
                {
                    freed.Add(demand);
                }
            }

            if (skipReason is not null)
            {
                skipped.Add($"quota \"{name}\": {skipReason}");
                continue;
            }

            var hard = quota.Status?.Hard ?? quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
            var used = quota.Status?.Used ?? new Dictionary<string, ResourceQuantity>();
            foreach (var (resource, hardText) in hard.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                var requested = matched.Sum(d => d.Amounts.GetValueOrDefault(resource));
                if (requested <= 0)
                {
                    continue;
                }

                if (!Quantity.TryParse(hardText?.ToString(), out var hardValue))
                {
                    skipped.Add($"quota \"{name}\": {resource} hard \"{hardText}\" is not a quantity");
                    continue;
                }

                var usedValue = used.TryGetValue(resource, out var usedText) && Quantity.TryParse(usedText?.ToString(), out var u) ? u : 0m;
                var available = hardValue - usedValue + freed.Sum(d => d.Amounts.GetValueOrDefault(resource));
                if (requested > available)
                {
                    shortfalls.Add(new QuotaShortfall(name, resource, requested, available, hardValue, usedValue));
                }
            }

            foreach (var resource in hard.Keys.Order(StringComparer.Ordinal))
            {
                if (matched.Any(d => d.Unspecified.Contains(resource)))
                {
                    warnings.Add($"quota \"{name}\" constrains {resource}, which the pods leave unset: unless a LimitRange fills it in, the API server refuses them");
                }
            }
        }

        return new QuotaCheck(shortfalls, skipped, warnings);
    }

    public static QuotaCheck Check(QuotaDemand demand, IReadOnlyList<V1ResourceQuota> quotas) => Check([demand], quotas);

    /// <summary>
    /// Room for a canary of <paramref name="canaryReplicas"/> new pods: next to the stable pods if it fits, else by
    /// shrinking stable by the canary's size when that keeps stable at or above <paramref name="minReplicas"/>
    /// and the freed charge covers the canary; else blocked.
    /// </summary>
    public static CanaryCapacityPlan PlanCanary(
        V1PodSpec stablePod, int stableReplicas, V1PodSpec canaryPod, int canaryReplicas, int minReplicas, IReadOnlyList<V1ResourceQuota> quotas)
    {
        var canary = QuotaDemand.ForPods(canaryPod, canaryReplicas);
        var surge = Check([canary], quotas);
        if (surge.Fits)
        {
            return new CanaryCapacityPlan(CanaryCapacityMode.Surge, stableReplicas, canaryReplicas, surge, "canary fits next to stable");
        }

        var shrunk = stableReplicas - canaryReplicas;
        if (shrunk < minReplicas)
        {
            return new CanaryCapacityPlan(CanaryCapacityMode.Blocked, stableReplicas, canaryReplicas, surge,
                $"{surge.Message}; shrinking stable from {stableReplicas} to {shrunk} would go below minReplicas {minReplicas}");
        }

        var noSurge = Check([canary], quotas, [QuotaDemand.ForPods(stablePod, canaryReplicas)]);
        return noSurge.Fits
            ? new CanaryCapacityPlan(CanaryCapacityMode.NoSurge, shrunk, canaryReplicas, noSurge,
                $"canary fits once stable shrinks from {stableReplicas} to {shrunk}")
            : new CanaryCapacityPlan(CanaryCapacityMode.Blocked, stableReplicas, canaryReplicas, noSurge,
                $"{noSurge.Message}, even with stable shrunk from {stableReplicas} to {shrunk}");
    }

    /// <summary>Whether the quota selects pods like these; a non-null <paramref name="skipReason"/> means "cannot tell, skipped".</summary>
    internal static bool Applies(V1ResourceQuota quota, PodQuotaScope pod, out string? skipReason)
    {
        skipReason = null;
        foreach (var scope in quota.Spec?.Scopes ?? [])
        {
            var match = MatchScope(scope, "Exists", null, pod);
            if (match is null)
            {
                skipReason = $"scope {scope} is not one pods are checked against; skipped";
                return false;
            }

            if (match == false)
            {
                return false;
            }
        }

        foreach (var requirement in quota.Spec?.ScopeSelector?.MatchExpressions ?? [])
        {
            var match = MatchScope(requirement.ScopeName, requirement.OperatorProperty, requirement.Values, pod);
            if (match is null)
            {
                skipReason = $"scopeSelector {requirement.ScopeName} {requirement.OperatorProperty} is not understood; skipped";
                return false;
            }

            if (match == false)
            {
                return false;
            }
        }

        return true;
    }

    private static bool? MatchScope(string scope, string op, IList<string>? values, PodQuotaScope pod)
    {
        bool? Flag(bool value) => op switch
        {
            "Exists" => value,
            "DoesNotExist" => !value,
            _ => null,
        };

        return scope switch
        {
            "Terminating" => Flag(pod.Terminating),
            "NotTerminating" => Flag(!pod.Terminating),
            "BestEffort" => Flag(pod.BestEffort),
            "NotBestEffort" => Flag(!pod.BestEffort),
            "CrossNamespacePodAffinity" => Flag(false),
            "PriorityClass" => op switch
            {
                "Exists" => pod.PriorityClass is not null,
                "DoesNotExist" => pod.PriorityClass is null,
                "In" => values?.Contains(pod.PriorityClass ?? "") == true,
                "NotIn" => values?.Contains(pod.PriorityClass ?? "") != true,
                _ => null,
            },
            _ => null,
        };
    }
}
