using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>
/// autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscalers are one store kept in v2 shape (kube's conversion,
/// simplified: v1 carries only the CPU utilization target; kubectl 1.32's `autoscale` writes v1).
/// </summary>
internal static class HpaViews
{
    public const string V1 = "autoscaling/v1";
    public const string V2 = "autoscaling/v2";

    public static JsonObject Convert(JsonObject obj, string targetApiVersion)
    {
        if (Json.String(obj, "apiVersion") == targetApiVersion) return obj;
        var spec = obj["spec"] as JsonObject;
        var status = obj["status"] as JsonObject;
        if (targetApiVersion == V1)
        {
            if (spec is not null)
            {
                var cpu = (spec["metrics"] as JsonArray)?.FirstOrDefault(m => Json.String(m, "type") == "Resource" && Json.String(m?["resource"], "name") == "cpu");
                spec.Remove("metrics");
                spec.Remove("behavior");
                if (cpu?["resource"]?["target"]?["averageUtilization"] is { } u) spec["targetCPUUtilizationPercentage"] = u.DeepClone();
            }
            if (status is not null)
            {
                var cpu = (status["currentMetrics"] as JsonArray)?.FirstOrDefault(m => Json.String(m, "type") == "Resource" && Json.String(m?["resource"], "name") == "cpu");
                status.Remove("currentMetrics");
                status.Remove("conditions");
                if (cpu?["resource"]?["current"]?["averageUtilization"] is { } u) status["currentCPUUtilizationPercentage"] = u.DeepClone();
            }
        }
        else
        {
            if (spec?["targetCPUUtilizationPercentage"] is { } target)
            {
                spec.Remove("targetCPUUtilizationPercentage");
                spec["metrics"] = new JsonArray(Metric("target", "averageUtilization", target.DeepClone()));
            }
            if (status?["currentCPUUtilizationPercentage"] is { } current)
            {
                status.Remove("currentCPUUtilizationPercentage");
                status["currentMetrics"] = new JsonArray(Metric("current", "averageUtilization", current.DeepClone()));
            }
        }
        obj["apiVersion"] = targetApiVersion;
        return obj;
    }

    private static JsonObject Metric(string field, string name, JsonNode value)
    {
        var inner = field == "target" ? new JsonObject { ["type"] = "Utilization", [name] = value } : new JsonObject { [name] = value };
        return new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", [field] = inner } };
    }
}
