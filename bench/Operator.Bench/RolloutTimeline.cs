using System.Diagnostics;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Resources;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Bench;

/// <summary>
/// What the bench saw of a namespace through its own watches, each observation stamped with
/// <see cref="Stopwatch.GetTimestamp"/> when it arrived: every ModelDeployment and Deployment version seen, and per pod
/// when it was first seen, first seen Ready and first seen going. Watch arrival, not the objects' second-resolution
/// condition times, so latencies are read to the millisecond on the same clock as the traffic's failures.
/// </summary>
internal sealed class RolloutTimeline(KubeClient client, string ns)
{
    private readonly Lock _lock = new();
    private readonly List<(long At, Md Md)> _mds = [];
    private readonly List<(long At, string Version, int Replicas)> _deployments = [];
    private readonly Dictionary<string, PodTimes> _pods = new(StringComparer.Ordinal);

    /// <summary>One pod's life as observed; null where not (yet) seen.</summary>
    public sealed record PodTimes(string Name, string Version, long Seen)
    {
        public long? Ready { get; set; }

        public long? Gone { get; set; }
    }

    /// <summary>Follows ModelDeployments, Deployments and Pods until <paramref name="ct"/> is cancelled; returns once all three are listed.</summary>
    public async Task<Task> StartAsync(CancellationToken ct)
    {
        var started = new[] { NewStarted(), NewStarted(), NewStarted() };
        var loops = Task.WhenAll(
            Follower.FollowAsync<Md>(client, ns, started[0], OnModelDeployment, ct),
            Follower.FollowAsync<V1Deployment>(client, ns, started[1], OnDeployment, ct),
            Follower.FollowAsync<V1Pod>(client, ns, started[2], OnPod, ct));
        await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(ct);
        return loops;

        static TaskCompletionSource NewStarted() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>When a ModelDeployment matching <paramref name="match"/> was first seen at or after <paramref name="since"/>.</summary>
    public long? FirstModelDeployment(long since, Func<Md, bool> match)
    {
        lock (_lock)
        {
            return _mds.Where(p => p.At >= since && match(p.Md)).Select(p => (long?)p.At).FirstOrDefault();
        }
    }

    /// <summary>Every ModelDeployment seen at or after <paramref name="since"/>, in the order seen.</summary>
    public IReadOnlyList<(long At, Md Md)> ModelDeployments(long since)
    {
        lock (_lock)
        {
            return _mds.Where(p => p.At >= since).ToList();
        }
    }

    /// <summary>When a Deployment of <paramref name="version"/> was first seen scaled to 0 or deleted at or after <paramref name="since"/>.</summary>
    public long? FirstScaledToZero(long since, string version)
    {
        lock (_lock)
        {
            return _deployments.Where(d => d.At >= since && d.Version == version && d.Replicas == 0).Select(d => (long?)d.At).FirstOrDefault();
        }
    }

    public IReadOnlyList<PodTimes> Pods(string version)
    {
        lock (_lock)
        {
            return _pods.Values.Where(p => p.Version == version).Select(p => p with { }).ToList();
        }
    }

    /// <summary>Polls <paramref name="read"/> until it answers; the answer carries its own observation time, so the polling period does not show in the numbers.</summary>
    public static async Task<T> WaitAsync<T>(Func<T?> read, string what, TimeSpan timeout, CancellationToken ct) where T : struct
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (read() is { } value)
            {
                return value;
            }

            await Task.Delay(20, ct);
        }

        throw new TimeoutException($"no {what} within {timeout.TotalSeconds:0} s");
    }

    private void OnModelDeployment(WatchEventType type, Md md)
    {
        var at = Stopwatch.GetTimestamp();
        if (type != WatchEventType.Deleted)
        {
            lock (_lock)
            {
                _mds.Add((at, md));
            }
        }
    }

    private void OnDeployment(WatchEventType type, V1Deployment deployment)
    {
        var at = Stopwatch.GetTimestamp();
        var version = VersionOf(deployment.Metadata);
        var replicas = type == WatchEventType.Deleted ? 0 : deployment.Spec?.Replicas ?? 1;
        lock (_lock)
        {
            _deployments.Add((at, version, replicas));
        }
    }

    private void OnPod(WatchEventType type, V1Pod pod)
    {
        var at = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (!_pods.TryGetValue(pod.Metadata.Name, out var times))
            {
                times = new PodTimes(pod.Metadata.Name, VersionOf(pod.Metadata), at);
                _pods[pod.Metadata.Name] = times;
            }

            if (type == WatchEventType.Deleted || pod.Metadata.DeletionTimestamp is not null)
            {
                times.Gone ??= at;
            }
            else if (pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            {
                times.Ready ??= at;
            }
        }
    }

    private static string VersionOf(V1ObjectMeta meta) =>
        meta.Labels is { } labels && labels.TryGetValue(ModelDeploymentLabels.Version, out var version) ? version : "";
}
