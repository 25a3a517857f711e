using System.Text;
using k8s;
using k8s.Models;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Controller;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Controllers.ModelDeployment;

/// <summary>
/// How the operator's pods wake their ModelDeployment: the Pod informer's selector, the mapping from a pod to its
/// ModelDeployment (by label; pods are owned by ReplicaSets, not by us) and the filter that lets through only changes
/// the reconciler acts on, so kubelet's status heartbeats do not reconcile every ModelDeployment over and over.
/// </summary>
public static class PodEvents
{
    /// <summary>The Pod informer's server-side selector: pods of every ModelDeployment, nothing else in the cluster.</summary>
    public const string Selector = ModelDeploymentLabels.ManagedBy + "=" + ModelDeploymentLabels.ManagedByValue;

    /// <summary>
    /// What the Pod cache keeps of a pod: metadata, status, the node, and each container's name and ports (analysis
    /// finds the sidecar's metrics port there). The rest of the spec (env, probes, volumes, resources, a copy of the
    /// Deployment's template per pod) is read by nobody here and was most of a cached pod's memory.
    /// </summary>
    public static V1Pod Trim(V1Pod pod) => pod.Spec is not { } spec ? pod : new V1Pod
    {
        ApiVersion = pod.ApiVersion,
        Kind = pod.Kind,
        Metadata = pod.Metadata,
        Status = pod.Status,
        Spec = new V1PodSpec
        {
            NodeName = spec.NodeName,
            Containers = spec.Containers?.Select(c => new V1Container { Name = c.Name, Ports = c.Ports }).ToList()!,
        },
    };

    /// <summary>
    /// An update passes when readiness, phase, scheduling, container states, restarts or the pod IP changed (what
    /// availability, failure messages and scraping read). A create passes once the pod has any of that: a pod the
    /// ReplicaSet just made has none, so it would wake its owner for nothing, and its first status write follows. A pod
    /// first seen with state (the informer's list after a start or a relist) passes. Deletes pass.
    /// </summary>
    public static EventFilter StateChanged { get; } = new(Create: HasState, Update: (o, n) => State(o) != State(n));

    /// <summary>Whether a pod carries anything <see cref="State"/> reads beyond what the API server gives a new pod (phase Pending).</summary>
    public static bool HasState(IKubernetesObject<V1ObjectMeta> obj) => obj is V1Pod pod
        && (pod.Metadata.DeletionTimestamp is not null || pod.Status is { } s && (s.Phase is not (null or "Pending") || s.Reason is not null || s.PodIP is not null
            || s.Conditions?.Count > 0 || s.ContainerStatuses?.Count > 0 || s.InitContainerStatuses?.Count > 0));

    /// <summary>The ModelDeployment a pod belongs to, from its model-deployment label.</summary>
    public static IEnumerable<ReconcileRequest> Owner(V1Pod pod, Informer<Md> modelDeployments)
    {
        if (pod.Metadata.Labels?.TryGetValue(ModelDeploymentLabels.ModelDeploymentLabel, out var label) != true || string.IsNullOrEmpty(label))
        {
            return [];
        }

        var ns = pod.Metadata.NamespaceProperty;
        // Names up to 63 characters are the label itself; a longer name was shortened with a hash, so find who it fits.
        return label.Length < 63
            ? [new ReconcileRequest(ns, label)]
            : modelDeployments.ListReadOnly(ns).Where(md => ModelDeploymentLabels.LabelValue(md.Metadata.Name) == label).Select(ReconcileRequest.For);
    }

    /// <summary>What of a pod the filter compares, as one string.</summary>
    public static string State(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (obj is not V1Pod pod)
        {
            return "";
        }

        var text = new StringBuilder();
        var status = pod.Status;
        text.Append(pod.Metadata.DeletionTimestamp is null ? "" : "deleting|").Append(status?.Phase).Append('|').Append(status?.Reason).Append('|').Append(status?.PodIP);
        foreach (var condition in status?.Conditions ?? [])
        {
            if (condition.Type is "Ready" or "PodScheduled" or "ContainersReady")
            {
                text.Append('|').Append(condition.Type).Append('=').Append(condition.Status).Append(':').Append(condition.Reason);
            }
        }

        foreach (var container in (status?.InitContainerStatuses ?? []).Concat(status?.ContainerStatuses ?? []))
        {
            var state = container.State;
            text.Append('|').Append(container.Name).Append(':').Append(container.Ready).Append(':').Append(container.RestartCount).Append(':')
                .Append(state?.Waiting is { } w ? "waiting " + w.Reason : state?.Terminated is { } t ? "terminated " + t.ExitCode : state?.Running is not null ? "running" : "");
        }

        return text.ToString();
    }
}
