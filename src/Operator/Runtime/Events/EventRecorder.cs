using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Runtime.Events;

/// <summary>
/// client-go style recorder for core/v1 Events. <see cref="Normal"/>/<see cref="Warning"/> only enqueue, at most
/// <see cref="EventRecorderOptions.Capacity"/> waiting (beyond that dropped and counted), so a slow or failing API
/// server never stalls a reconcile. <see cref="RunAsync"/> writes them with <see cref="EventRecorderOptions.Writers"/>
/// writers, each object's events always through the same one: a repeat of the same (object, type, reason, message)
/// bumps count and lastTimestamp of the existing Event (merge PATCH) instead of creating another; names are
/// <c>{object}.{hex unix nanoseconds}</c>.
/// </summary>
public sealed class EventRecorder : IEventRecorder
{
    private static readonly Counter<long> Dropped =
        RuntimeMeter.Meter.CreateCounter<long>("event_recorder_dropped_total", description: "Events dropped because the recorder's buffer was full.");

    private static readonly Counter<long> Failed =
        RuntimeMeter.Meter.CreateCounter<long>("event_recorder_failed_total", description: "Events the API server did not accept.");

    private readonly IKubeClient _client;
    private readonly EventRecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Writer[] _writers;

    private readonly string _instance;
    private long _lastNanos;
    private long _dropped;
    private int _queued;

    public EventRecorder(IKubeClient client, EventRecorderOptions options, TimeProvider time, ILogger logger)
    {
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        _instance = options.Instance ?? Dns.GetHostName();
        // Unbounded channels behind one shared count of waiting events (_queued): the capacity is the recorder's, not a
        // writer's, so a burst about a few objects may use all of it.
        _writers = [.. Enumerable.Range(0, Math.Max(1, options.Writers)).Select(_ => new Writer())];
    }

    /// <summary>
    /// The writer for an object's events: a stable hash (FNV-1a) of its uid, or of kind/namespace/name without one.
    /// Stable across processes so tests can place objects on different writers.
    /// </summary>
    internal static int WriterFor(string objectKey, int writers)
    {
        var hash = 2166136261u;
        foreach (var c in objectKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)Math.Max(1, writers));
    }

    private static string ObjectKey(V1ObjectReference involved) =>
        involved.Uid ?? $"{involved.Kind}/{involved.NamespaceProperty}/{involved.Name}";

    public long DroppedCount => Interlocked.Read(ref _dropped);

    public void Normal(IKubernetesObject<V1ObjectMeta> obj, string reason, string message) => Record(obj, "Normal", reason, message);

    public void Warning(IKubernetesObject<V1ObjectMeta> obj, string reason, string message) => Record(obj, "Warning", reason, message);

    public void Record(IKubernetesObject<V1ObjectMeta> obj, string type, string reason, string message, string? action = null)
    {
        var involved = new V1ObjectReference
        {
            ApiVersion = obj.ApiVersion,
            Kind = obj.Kind,
            NamespaceProperty = obj.Metadata.NamespaceProperty,
            Name = obj.Metadata.Name,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
        };
        if (Interlocked.Increment(ref _queued) > Math.Max(1, _options.Capacity))
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            Dropped.Add(1);
            return;
        }

        var writer = WriterFor(ObjectKey(involved), _writers.Length);
        if (!_writers[writer].Queue.Writer.TryWrite(new Pending(involved, type, reason, message, action, _time.GetUtcNow())))
        {
            Interlocked.Decrement(ref _queued); // completed: the recorder has stopped
        }
    }

    /// <summary>Writes queued events until cancelled.</summary>
    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(_writers.Select(writer => RunWriterAsync(writer, ct)));

    private async Task RunWriterAsync(Writer writer, CancellationToken ct)
    {
        try
        {
            await foreach (var pending in writer.Queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                Interlocked.Decrement(ref _queued);
                try
                {
                    await WriteAsync(pending, writer.Recorded, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Failed.Add(1);
                    _logger.LogWarning(ex, "Could not record event {Reason} for {Kind} {Namespace}/{Name}",
                        pending.Reason, pending.Involved.Kind, pending.Involved.NamespaceProperty, pending.Involved.Name);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(Pending pending, Dictionary<AggregationKey, Recorded> recorded, CancellationToken ct)
    {
        var key = new AggregationKey(ObjectKey(pending.Involved), pending.Type, pending.Reason, pending.Message);
        var timestamp = Seconds(pending.At);
        if (recorded.TryGetValue(key, out var seen))
        {
            var patch = new JsonObject { ["count"] = seen.Count + 1, ["lastTimestamp"] = KubeJson.Serialize(timestamp.UtcDateTime).Trim('"') };
            try
            {
                await _client.PatchWithoutResultAsync<Corev1Event>(seen.Name, seen.Namespace, new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ct: ct).ConfigureAwait(false);
                recorded[key] = seen with { Count = seen.Count + 1 };
                return;
            }
            catch (NotFoundException)
            {
                // Expired (events have a TTL) or deleted: start a fresh one.
                recorded.Remove(key);
            }
        }

        var ns = string.IsNullOrEmpty(pending.Involved.NamespaceProperty) ? "default" : pending.Involved.NamespaceProperty;
        var name = $"{pending.Involved.Name}.{NextNanos(pending.At):x}";
        await _client.CreateWithoutResultAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            InvolvedObject = pending.Involved,
            Type = pending.Type,
            Reason = pending.Reason,
            Message = pending.Message,
            Action = pending.Action,
            Count = 1,
            FirstTimestamp = timestamp.UtcDateTime,
            LastTimestamp = timestamp.UtcDateTime,
            Source = new V1EventSource { Component = _options.Component, Host = _instance },
            ReportingComponent = _options.Component,
            ReportingInstance = _instance,
        }, ct).ConfigureAwait(false);

        if (recorded.Count >= Math.Max(1, _options.AggregationCacheSize / _writers.Length))
        {
            // Crude but bounded: forgetting only costs a new Event object instead of a count bump.
            recorded.Clear();
        }

        recorded[key] = new Recorded(name, ns, 1);
    }

    /// <summary>Unix nanoseconds, strictly increasing so two events in one tick never collide on name.</summary>
    private long NextNanos(DateTimeOffset at)
    {
        var nanos = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        while (true)
        {
            var last = Interlocked.Read(ref _lastNanos);
            var next = Math.Max(nanos, last + 1);
            if (Interlocked.CompareExchange(ref _lastNanos, next, last) == last)
            {
                return next;
            }
        }
    }

    private static DateTimeOffset Seconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>
    /// One writer: its queue (unbounded; the shared count of waiting events bounds them all) and the Events it created,
    /// for aggregation (an object's events all go through one writer).
    /// </summary>
    private sealed class Writer
    {
        public Channel<Pending> Queue { get; } = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

        public Dictionary<AggregationKey, Recorded> Recorded { get; } = [];
    }

    private sealed record Pending(V1ObjectReference Involved, string Type, string Reason, string Message, string? Action, DateTimeOffset At);

    private sealed record AggregationKey(string Object, string Type, string Reason, string Message);

    private sealed record Recorded(string Name, string Namespace, int Count);
}
