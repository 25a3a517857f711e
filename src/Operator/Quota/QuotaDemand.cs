using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Quota;

/// <summary>
/// What some pods charge against ResourceQuota, by quota key (requests.cpu, cpu, limits.memory,
/// requests.nvidia.com/gpu, pods, count/pods …), with the scope facts that decide which quotas see them.
/// </summary>
public sealed record QuotaDemand(IReadOnlyDictionary<string, decimal> Amounts, PodQuotaScope Scope, IReadOnlySet<string> Unspecified)
{
    private static readonly string[] Standard = ["cpu", "memory", "ephemeral-storage"];

    /// <summary>
    /// The charge of <paramref name="count"/> pods like <paramref name="pod"/>, computed the way the pod quota
    /// evaluator does: per resource the larger of the containers' sum and the largest init container.
    /// </summary>
    public static QuotaDemand ForPods(V1PodSpec pod, int count)
    {
        var requests = Effective(pod, ContainerRequests);
        var limits = Effective(pod, c => c.Resources?.Limits);
        var amounts = new SortedDictionary<string, decimal>(StringComparer.Ordinal)
        {
            ["pods"] = count,
            ["count/pods"] = count,
        };

        foreach (var (name, value) in requests)
        {
            amounts["requests." + name] = value * count;
            if (Standard.Contains(name))
            {
                amounts[name] = value * count;
            }
        }

        foreach (var (name, value) in limits.Where(l => Standard.Contains(l.Key) || l.Key.StartsWith("hugepages-", StringComparison.Ordinal)))
        {
            amounts["limits." + name] = value * count;
        }

        // A quota on requests.cpu or limits.memory makes the API server refuse pods that leave it unset.
        var containers = (pod.Containers ?? []).Concat(pod.InitContainers ?? []).ToList();
        var unspecified = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { "cpu", "memory" })
        {
            if (containers.Any(c => c.Resources?.Requests?.ContainsKey(name) != true && c.Resources?.Limits?.ContainsKey(name) != true))
            {
                unspecified.Add("requests." + name);
                unspecified.Add(name);
            }

            if (containers.Any(c => c.Resources?.Limits?.ContainsKey(name) != true))
            {
                unspecified.Add("limits." + name);
            }
        }

        return new QuotaDemand(amounts, PodQuotaScope.Of(pod), unspecified);
    }

    /// <summary>The API server defaults a missing request to the limit, and the quota charges that.</summary>
    private static IDictionary<string, ResourceQuantity>? ContainerRequests(V1Container container)
    {
        var requests = container.Resources?.Requests;
        var limits = container.Resources?.Limits;
        if (limits is null)
        {
            return requests;
        }

        var merged = new Dictionary<string, ResourceQuantity>(requests ?? new Dictionary<string, ResourceQuantity>(), StringComparer.Ordinal);
        foreach (var (name, value) in limits)
        {
            merged.TryAdd(name, value);
        }

        return merged;
    }

    private static Dictionary<string, decimal> Effective(V1PodSpec pod, Func<V1Container, IDictionary<string, ResourceQuantity>?> pick)
    {
        var sum = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var container in pod.Containers ?? [])
        {
            foreach (var (name, text) in pick(container) ?? new Dictionary<string, ResourceQuantity>())
            {
                if (Quantity.TryParse(text?.ToString(), out var value))
                {
                    sum[name] = sum.GetValueOrDefault(name) + value;
                }
            }
        }

        foreach (var container in pod.InitContainers ?? [])
        {
            foreach (var (name, text) in pick(container) ?? new Dictionary<string, ResourceQuantity>())
            {
                if (Quantity.TryParse(text?.ToString(), out var value) && value > sum.GetValueOrDefault(name))
                {
                    sum[name] = value;
                }
            }
        }

        return sum;
    }
}
