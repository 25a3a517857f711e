using System.Globalization;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Api;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Controllers;

/// <summary>
/// core/v1 Events as kube's controllers record them (source.component "deployment-controller", "replicaset-controller"),
/// so `kubectl describe` shows them. A repeat of the same reason and message on the same object bumps count and
/// lastTimestamp, as client-go's event correlator does.
/// </summary>
internal sealed class EventRecorder(ApiCore core)
{
    private static readonly WriteOptions Internal = new(Internal: true);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Uid, string Reason, string Message), string> _names = new();
    private long _sequence;

    public void Record(StoredObject involved, ResourceType type, string component, string eventType, string reason, string message)
    {
        var now = core.Time.GetUtcNow();
        var key = (involved.Uid, reason, message);
        var existing = _names.TryGetValue(key, out var known) ? core.TryGet(BuiltInTypes.Events, involved.Namespace, known)?.ToNode() : null;
        try
        {
            if (existing is not null)
            {
                existing["count"] = (Json.Long(existing, "count") ?? 1) + 1;
                existing["lastTimestamp"] = Json.Rfc3339(now);
                core.Update(BuiltInTypes.Events, involved.Namespace, Json.String(existing["metadata"], "name")!, existing, Internal, null);
                return;
            }
            var sequence = Interlocked.Increment(ref _sequence);
            var name = $"{involved.Name}.{(now.ToUnixTimeMilliseconds() * 1_000_000 + sequence).ToString("x", CultureInfo.InvariantCulture)}";
            _names[key] = name;
            core.Create(BuiltInTypes.Events, involved.Namespace, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = involved.Namespace },
                ["involvedObject"] = new JsonObject
                {
                    ["kind"] = type.Kind, ["namespace"] = involved.Namespace, ["name"] = involved.Name, ["uid"] = involved.Uid,
                    ["apiVersion"] = type.ApiVersion, ["resourceVersion"] = involved.ResourceVersion.ToString(CultureInfo.InvariantCulture),
                },
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = new JsonObject { ["component"] = component },
                ["firstTimestamp"] = Json.Rfc3339(now),
                ["lastTimestamp"] = Json.Rfc3339(now),
                ["count"] = 1,
                ["type"] = eventType,
                ["reportingComponent"] = component,
                ["reportingInstance"] = "",
            }, Internal);
        }
        catch (ApiError)
        {
            // The namespace is going away, or a race with a client write: events are best effort, as in kube.
        }
    }
}
