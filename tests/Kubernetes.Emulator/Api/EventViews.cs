using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>core/v1 and events.k8s.io/v1 Events are one store with renamed fields (kube's conversion, simplified).</summary>
internal static class EventViews
{
    private static readonly (string Core, string EventsV1)[] Renames =
    [
        ("involvedObject", "regarding"), ("message", "note"), ("reportingComponent", "reportingController"),
        ("source", "deprecatedSource"), ("firstTimestamp", "deprecatedFirstTimestamp"), ("lastTimestamp", "deprecatedLastTimestamp"), ("count", "deprecatedCount"),
    ];

    public static JsonObject Convert(JsonObject obj, string targetApiVersion)
    {
        var toV1 = targetApiVersion == "events.k8s.io/v1";
        foreach (var (core, v1) in Renames)
        {
            var (from, to) = toV1 ? (core, v1) : (v1, core);
            if (obj[from] is { } value)
            {
                obj.Remove(from);
                obj[to] = value;
            }
        }
        obj["apiVersion"] = targetApiVersion;
        return obj;
    }
}
