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
/// client-go style recorder for core/v1 Events. <see cref="Normal"/>/<see cref="Warning"/> only enqueue into a
/// bounded channel (full → dropped and counted), so a slow or failing API server never stalls a reconcile.
/// <see cref="RunAsync"/> writes them: a repeat of the same (object, type, reason, message) bumps count and
/// lastTimestamp of the existing Event (merge PATCH) instead of creating another; names are
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
    private readonly Channel<Pending> _pending;
    private readonly Dictionary<AggregationKey, Recorded> _recorded = [];
    private readonly string _instance;
    private long _lastNanos;
    private long _dropped;

    public EventRecorder(IKubeClient client, EventRecorderOptions options, TimeProvider time, ILogger logger)
    {
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        _instance = options.Instance ?? Dns.GetHostName();
        _pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1, options.Capacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

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
        // TryWrite on a full bounded channel returns false instead of waiting: that is the drop.
        if (!_pending.Writer.TryWrite(new Pending(involved, type, reason, message, action, _time.GetUtcNow())))
        {
            Interlocked.Increment(ref _dropped);
            Dropped.Add(1);
        }
    }

    /// <summary>Writes queued events until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var pending in _pending.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await WriteAsync(pending, ct).ConfigureAwait(false);
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

    private async Task WriteAsync(Pending pending, CancellationToken ct)
    {
        var key = new AggregationKey(
            pending.Involved.Uid ?? $"{pending.Involved.Kind}/{pending.Involved.NamespaceProperty}/{pending.Involved.Name}",
            pending.Type, pending.Reason, pending.Message);
        var timestamp = Seconds(pending.At);
        if (_recorded.TryGetValue(key, out var seen))
        {
            var patch = new JsonObject { ["count"] = seen.Count + 1, ["lastTimestamp"] = KubeJson.Serialize(timestamp.UtcDateTime).Trim('"') };
            try
            {
                await _client.PatchWithoutResultAsync<Corev1Event>(seen.Name, seen.Namespace, new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ct: ct).ConfigureAwait(false);
                _recorded[key] = seen with { Count = seen.Count + 1 };
                return;
            }
            catch (NotFoundException)
            {
                // Expired (events have a TTL) or deleted: start a fresh one.
                _recorded.Remove(key);
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

        if (_recorded.Count >= _options.AggregationCacheSize)
        {
            // Crude but bounded: forgetting only costs a new Event object instead of a count bump.
            _recorded.Clear();
        }

        _recorded[key] = new Recorded(name, ns, 1);
    }

    /// <summary>Unix nanoseconds, strictly increasing so two events in one tick never collide on name.</summary>
    private long NextNanos(DateTimeOffset at)
    {
        var nanos = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        _lastNanos = Math.Max(nanos, _lastNanos + 1);
        return _lastNanos;
    }

    private static DateTimeOffset Seconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private sealed record Pending(V1ObjectReference Involved, string Type, string Reason, string Message, string? Action, DateTimeOffset At);

    private sealed record AggregationKey(string Object, string Type, string Reason, string Message);

    private sealed record Recorded(string Name, string Namespace, int Count);
}
