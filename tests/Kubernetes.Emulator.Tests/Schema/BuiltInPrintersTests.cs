using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

/// <summary>Cells of the built-in printers for the shapes kube's printers format specially.</summary>
public sealed class BuiltInPrintersTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 1, 0, 0, TimeSpan.Zero);

    private static List<string> Cells(string storageKey, string json)
    {
        var table = BuiltInPrinters.ToTable(storageKey, [JsonNode.Parse(json)!.AsObject()], "1", Now, "None", noHeaders: false)!;
        return [.. table["rows"]![0]!["cells"]!.AsArray().Select(c => c?.ToString() ?? "null")];
    }

    [Fact]
    public void A_crash_looping_pod_shows_the_waiting_reason_and_restarts_with_the_last_restart_age()
    {
        var cells = Cells("/pods", """
            {"metadata":{"name":"p","creationTimestamp":"2025-01-01T00:00:00Z"},"spec":{"containers":[{"name":"a"},{"name":"b"}],"nodeName":"n1"},
             "status":{"phase":"Running","podIPs":[{"ip":"10.0.0.1"}],"containerStatuses":[
               {"name":"a","ready":true,"restartCount":0,"state":{"running":{}}},
               {"name":"b","ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-01-01T00:55:00Z"}}}]}}
            """);
        Assert.Equal(["p", "1/2", "CrashLoopBackOff", "3 (5m ago)", "60m", "10.0.0.1", "n1", "<none>", "<none>"], cells);
    }

    [Fact]
    public void Services_show_node_ports_pending_load_balancers_and_sorted_selectors()
    {
        var cells = Cells("/services", """
            {"metadata":{"name":"s","creationTimestamp":"2025-01-01T00:59:00Z"},
             "spec":{"type":"LoadBalancer","clusterIP":"10.96.0.5","clusterIPs":["10.96.0.5"],"selector":{"tier":"web","app":"x"},
                     "ports":[{"port":80,"protocol":"TCP","nodePort":30080},{"port":53,"protocol":"UDP"}]}}
            """);
        Assert.Equal(["s", "LoadBalancer", "10.96.0.5", "<pending>", "80:30080/TCP,53/UDP", "60s", "app=x,tier=web"], cells);
    }

    [Fact]
    public void Hpa_targets_show_unknown_current_values_and_auto_targets()
    {
        var cells = Cells("autoscaling/horizontalpodautoscalers", """
            {"metadata":{"name":"h","creationTimestamp":"2025-01-01T00:00:00Z"},
             "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":5,
                     "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}},
                                {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}},
                                {"type":"Resource","resource":{"name":"memory","target":{"type":"Utilization"}}}]},
             "status":{"currentReplicas":3,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":42}}}]}}
            """);
        Assert.Equal(["h", "Deployment/web", "cpu: 42%/80%, <unknown>/10 + 1 more...", "2", "5", "3", "60m"], cells);
    }

    [Fact]
    public void Jobs_cronjobs_and_bindings_print_as_kube_does()
    {
        Assert.Equal(["j", "Complete", "1/1", "10m", "60m", "c", "busybox", "<none>"], Cells("batch/jobs", """
            {"metadata":{"name":"j","creationTimestamp":"2025-01-01T00:00:00Z"},"spec":{"completions":1,"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}},
             "status":{"succeeded":1,"startTime":"2025-01-01T00:00:00Z","completionTime":"2025-01-01T00:10:00Z","conditions":[{"type":"Complete","status":"True"}]}}
            """));
        Assert.Equal(["n", "*/5 * * * *", "<none>", "False", "0", "<none>", "60m", "c", "busybox", "<none>"], Cells("batch/cronjobs", """
            {"metadata":{"name":"n","creationTimestamp":"2025-01-01T00:00:00Z"},"spec":{"schedule":"*/5 * * * *","suspend":false,"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}}}
            """));
        Assert.Equal(["b", "Role/reader", "60m", "alice", "", "team-a/runner"], Cells("rbac.authorization.k8s.io/rolebindings", """
            {"metadata":{"name":"b","creationTimestamp":"2025-01-01T00:00:00Z"},"roleRef":{"kind":"Role","name":"reader"},
             "subjects":[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"runner","namespace":"team-a"}]}
            """));
    }

    [Fact]
    public void Quotas_split_limits_from_requests_in_name_order()
    {
        Assert.Equal(["q", "60m", "pods: 1/10, requests.cpu: 500m/4", "limits.memory: 0/8Gi"], Cells("/resourcequotas", """
            {"metadata":{"name":"q","creationTimestamp":"2025-01-01T00:00:00Z"},
             "status":{"hard":{"requests.cpu":"4","pods":"10","limits.memory":"8Gi"},"used":{"requests.cpu":"500m","pods":"1"}}}
            """));
    }
}
