using System.Globalization;
using k8s.Models;

namespace MlOperator.Operator.Resources;

/// <summary>
/// Why a revision's pods are not coming up, in one short line for a condition message: the first failing pod (by
/// name) with its reason, then the Deployment's own failure conditions. A crash-looping or unpullable model must say
/// so instead of sitting in Progressing until the deadline. Pure: it reads the objects the caches hold.
/// </summary>
public static class PodFailures
{
    /// <summary>Container waiting reasons that do not resolve on their own (kubelet's names).</summary>
    public static readonly IReadOnlySet<string> WaitingReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "CreateContainerError", "InvalidImageName",
    };

    /// <summary>Longest piece of a message taken from the cluster (kubelet, scheduler, quota admission).</summary>
    private const int MaxQuoted = 240;

    /// <summary>Null when nothing is failing; otherwise "pod NAME: reason …; deployment NAME: reason: message".</summary>
    public static string? Describe(IEnumerable<V1Pod> pods, V1Deployment? deployment)
    {
        var parts = new List<string>();
        var failing = pods
            .Where(pod => pod.Metadata?.DeletionTimestamp is null)
            .OrderBy(pod => pod.Metadata?.Name, StringComparer.Ordinal)
            .Select(pod => (Pod: pod.Metadata?.Name ?? "", Reason: Describe(pod)))
            .Where(p => p.Reason is not null)
            .ToList();
        if (failing.Count > 0)
        {
            var more = failing.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (and {failing.Count - 1} more failing pods)") : "";
            parts.Add($"pod {failing[0].Pod}: {failing[0].Reason}{more}");
        }

        if (deployment?.Status?.Conditions is { } conditions)
        {
            var name = deployment.Metadata?.Name ?? "";
            // Quota admission refusing the ReplicaSet's pods: the pods never exist, so only this condition tells.
            if (conditions.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True") is { } replicaFailure)
            {
                parts.Add($"deployment {name}: ReplicaFailure {replicaFailure.Reason}: {Quote(replicaFailure.Message)}".TrimEnd(' ', ':'));
            }

            if (conditions.FirstOrDefault(c => c is { Type: "Progressing", Status: "False", Reason: "ProgressDeadlineExceeded" }) is { } deadline)
            {
                parts.Add($"deployment {name}: ProgressDeadlineExceeded: {Quote(deadline.Message)}".TrimEnd(' ', ':'));
            }
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>One pod's failure, or null when it is healthy or still on its way.</summary>
    public static string? Describe(V1Pod pod)
    {
        var status = pod.Status;
        if (status is null)
        {
            return null;
        }

        if (status.Conditions?.FirstOrDefault(c => c is { Type: "PodScheduled", Status: "False", Reason: "Unschedulable" }) is { } unschedulable)
        {
            return $"Unschedulable: {Quote(unschedulable.Message)}".TrimEnd(' ', ':');
        }

        if (status.Phase == "Failed")
        {
            return $"Failed {status.Reason}: {Quote(status.Message)}".TrimEnd(' ', ':');
        }

        foreach (var init in status.InitContainerStatuses ?? [])
        {
            if (init.State?.Waiting is { } waiting && WaitingReasons.Contains(waiting.Reason ?? ""))
            {
                return $"init container {init.Name} {Container(init, waiting)}";
            }

            if (init.State?.Terminated is { ExitCode: not 0 } terminated)
            {
                return $"init container {init.Name} exited with code {terminated.ExitCode.ToString(CultureInfo.InvariantCulture)}"
                    + Detail(terminated.Reason, terminated.Message);
            }
        }

        foreach (var container in status.ContainerStatuses ?? [])
        {
            if (container.State?.Waiting is { } waiting && WaitingReasons.Contains(waiting.Reason ?? ""))
            {
                return $"container {container.Name} {Container(container, waiting)}";
            }
        }

        return null;
    }

    private static string Container(V1ContainerStatus container, V1ContainerStateWaiting waiting)
    {
        var details = new List<string>();
        if (container.RestartCount > 0)
        {
            details.Add(string.Create(CultureInfo.InvariantCulture, $"restarts {container.RestartCount}"));
        }

        if (container.LastState?.Terminated is { } last)
        {
            details.Add(string.Create(CultureInfo.InvariantCulture, $"last exit code {last.ExitCode}") + (string.IsNullOrEmpty(last.Reason) ? "" : $" {last.Reason}"));
        }

        // The back-off message only repeats the container name; pull and config errors say what is wrong.
        var message = waiting.Reason == "CrashLoopBackOff" || string.IsNullOrWhiteSpace(waiting.Message) ? "" : $": {Quote(waiting.Message)}";
        return waiting.Reason + (details.Count == 0 ? "" : $" ({string.Join(", ", details)})") + message;
    }

    private static string Detail(string? reason, string? message) =>
        (string.IsNullOrEmpty(reason) ? "" : $" ({reason})") + (string.IsNullOrWhiteSpace(message) ? "" : $": {Quote(message)}");

    private static string Quote(string? message)
    {
        var text = (message ?? "").ReplaceLineEndings(" ").Trim();
        return text.Length <= MaxQuoted ? text : text[..(MaxQuoted - 1)] + "…";
    }
}
