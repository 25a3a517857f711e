using k8s.Models;

namespace MlOperator.Operator.Quota;

/// <summary>The facts about a pod that ResourceQuota scopes look at.</summary>
public sealed record PodQuotaScope(bool Terminating, bool BestEffort, string? PriorityClass)
{
    public static PodQuotaScope Of(V1PodSpec pod)
    {
        var containers = (pod.Containers ?? []).Concat(pod.InitContainers ?? []).ToList();
        // QoS BestEffort: no container sets a cpu or memory request or limit.
        var bestEffort = containers.All(c =>
            !HasCpuOrMemory(c.Resources?.Requests) && !HasCpuOrMemory(c.Resources?.Limits));
        return new PodQuotaScope(pod.ActiveDeadlineSeconds is not null, bestEffort,
            string.IsNullOrEmpty(pod.PriorityClassName) ? null : pod.PriorityClassName);
    }

    private static bool HasCpuOrMemory(IDictionary<string, ResourceQuantity>? map) =>
        map is not null && (map.ContainsKey("cpu") || map.ContainsKey("memory"));
}
