using System.Net;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>The simulated Deployment and ReplicaSet controllers: rolling updates, Recreate, history, deadlines, quota.</summary>
public sealed class RolloutTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string ReplicaSets = "/apis/apps/v1/namespaces/default/replicasets";
    private const string Quotas = "/api/v1/namespaces/default/resourcequotas";

    private static async Task<List<JsonObject>> ItemsAsync(TestKube kube, string path) =>
        [.. (await kube.GetAsync(path)).Body["items"]!.AsArray().Select(i => i!.AsObject())];

    private static async Task<JsonObject> StatusAsync(TestKube kube, string name = "web") => (await kube.GetAsync(Deployments + "/" + name)).Body["status"]!.AsObject();

    private static string? Condition(JsonObject status, string type, string field = "reason") =>
        status["conditions"]?.AsArray().FirstOrDefault(c => c!["type"]!.ToString() == type)?[field]?.ToString();

    private static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.ToString() == "Ready" && c["status"]!.ToString() == "True") == true;

    private static Task<JsonObject> ChangeImageAsync(TestKube kube, string image, string name = "web") =>
        kube.PatchAsync(Deployments + "/" + name, new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) } } } }, "application/strategic-merge-patch+json")
            .ContinueWith(t => t.Result.Body);

    private static async Task<(TestKube Kube, ManualTime Time)> StartAsync(int readySeconds = 10)
    {
        var time = new ManualTime();
        var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true, TimeProvider = time, PodReadyDelay = TimeSpan.FromSeconds(readySeconds) });
        return (kube, time);
    }

    private static async Task StepAsync(TestKube kube, ManualTime time, int seconds = 11)
    {
        time.Advance(TimeSpan.FromSeconds(seconds));
        await kube.Emulator.Controllers.SettleAsync();
    }

    [Fact]
    public async Task Rolling_update_stays_within_max_surge_and_max_unavailable_until_the_new_replica_set_has_everything()
    {
        var (kube, time) = await StartAsync();
        await using var _ = kube;
        var d = Deployment("web", 4);
        d["spec"]!["strategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 1, ["maxUnavailable"] = 0 } };
        await kube.CreateAsync(Deployments, d);
        await kube.Emulator.Controllers.SettleAsync();
        await StepAsync(kube, time);
        Assert.Equal(4, (int)(await StatusAsync(kube))["availableReplicas"]!);

        await ChangeImageAsync(kube, "nginx:2");
        await kube.Emulator.Controllers.SettleAsync();
        for (var step = 0; step < 12; step++)
        {
            var pods = await ItemsAsync(kube, Pods);
            Assert.True(pods.Count <= 5, $"{pods.Count} pods: more than replicas + maxSurge");
            Assert.True(pods.Count(IsReady) >= 4, $"{pods.Count(IsReady)} ready pods: fewer than replicas - maxUnavailable");
            if (Condition(await StatusAsync(kube), "Progressing") == "NewReplicaSetAvailable") break;
            await StepAsync(kube, time);
        }

        var status = await StatusAsync(kube);
        Assert.Equal("NewReplicaSetAvailable", Condition(status, "Progressing"));
        Assert.Equal(4, (int)status["updatedReplicas"]!);
        Assert.Equal(4, (int)status["replicas"]!);
        Assert.Null(status["unavailableReplicas"]);
        var sets = (await ItemsAsync(kube, ReplicaSets)).OrderBy(r => r["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.ToString()).ToList();
        Assert.Equal(2, sets.Count);
        Assert.Equal([0, 4], sets.Select(r => (int)r["spec"]!["replicas"]!));
        Assert.Equal(["1", "2"], sets.Select(r => r["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.ToString()));
        Assert.All(await ItemsAsync(kube, Pods), p => Assert.Equal("nginx:2", p["spec"]!["containers"]![0]!["image"]!.ToString()));
    }

    [Fact]
    public async Task Pods_count_as_available_only_after_min_ready_seconds()
    {
        var (kube, time) = await StartAsync();
        await using var _ = kube;
        var d = Deployment("web", 2);
        d["spec"]!["minReadySeconds"] = 30;
        await kube.CreateAsync(Deployments, d);
        await kube.Emulator.Controllers.SettleAsync();
        await StepAsync(kube, time);
        var status = await StatusAsync(kube);
        Assert.Equal(2, (int)status["readyReplicas"]!);
        Assert.Null(status["availableReplicas"]);
        Assert.Equal("False", Condition(status, "Available", "status"));

        await StepAsync(kube, time, 31);
        status = await StatusAsync(kube);
        Assert.Equal(2, (int)status["availableReplicas"]!);
        Assert.Equal("True", Condition(status, "Available", "status"));
        Assert.Equal(30, (int)(await ItemsAsync(kube, ReplicaSets)).Single()["spec"]!["minReadySeconds"]!);
    }

    [Fact]
    public async Task Recreate_removes_every_old_pod_before_the_first_new_one_exists()
    {
        var (kube, _) = await StartAsync(readySeconds: 0);
        await using var k = kube;
        var d = Deployment("web", 3);
        d["spec"]!["strategy"] = new JsonObject { ["type"] = "Recreate" };
        await kube.CreateAsync(Deployments, d);
        await kube.Emulator.Controllers.SettleAsync();
        var before = (await ItemsAsync(kube, Pods)).Select(p => p["metadata"]!["labels"]!["pod-template-hash"]!.ToString()).Distinct().Single();

        await using var watch = await kube.WatchAsync(Pods + "?watch=true&resourceVersion=" + kube.Emulator.ResourceVersion);
        await ChangeImageAsync(kube, "nginx:2");
        await kube.Emulator.Controllers.SettleAsync();
        var live = new HashSet<string>((await ItemsAsync(kube, Pods)).Select(p => p["metadata"]!["name"]!.ToString()));
        Assert.Equal(3, live.Count);
        Assert.All(await ItemsAsync(kube, Pods), p => Assert.NotEqual(before, p["metadata"]!["labels"]!["pod-template-hash"]!.ToString()));

        // Replay the stream: no new pod was ADDED while an old one still existed.
        var oldLeft = 3;
        while (live.Count > 0)
        {
            var e = (await watch.NextChangeAsync())!;
            var hash = e["object"]!["metadata"]!["labels"]!["pod-template-hash"]!.ToString();
            var name = e["object"]!["metadata"]!["name"]!.ToString();
            if (e["type"]!.ToString() == "DELETED" && hash == before) oldLeft--;
            if (e["type"]!.ToString() == "ADDED")
            {
                Assert.Equal(0, oldLeft);
                live.Remove(name);
            }
        }
    }

    [Fact]
    public async Task Old_replica_sets_beyond_revision_history_limit_are_deleted()
    {
        var (kube, _) = await StartAsync(readySeconds: 0);
        await using var k = kube;
        var d = Deployment("web", 1);
        d["spec"]!["revisionHistoryLimit"] = 1;
        await kube.CreateAsync(Deployments, d);
        foreach (var image in new[] { "nginx:2", "nginx:3", "nginx:4" })
        {
            await kube.Emulator.Controllers.SettleAsync();
            await ChangeImageAsync(kube, image);
        }
        await kube.Emulator.Controllers.SettleAsync();
        var sets = await ItemsAsync(kube, ReplicaSets);
        Assert.Equal(["3", "4"], sets.Select(r => r["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.ToString()).Order());
    }

    [Fact]
    public async Task A_rollout_without_progress_for_progress_deadline_seconds_is_ProgressDeadlineExceeded()
    {
        var (kube, time) = await StartAsync(readySeconds: 3600);
        await using var _ = kube;
        var d = Deployment("web", 2);
        d["spec"]!["progressDeadlineSeconds"] = 30;
        await kube.CreateAsync(Deployments, d);
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Equal("ReplicaSetUpdated", Condition(await StatusAsync(kube), "Progressing"));
        await StepAsync(kube, time, 20);
        Assert.Equal("ReplicaSetUpdated", Condition(await StatusAsync(kube), "Progressing"));
        await StepAsync(kube, time, 11);
        var status = await StatusAsync(kube);
        Assert.Equal("ProgressDeadlineExceeded", Condition(status, "Progressing"));
        Assert.Equal("False", Condition(status, "Progressing", "status"));
        Assert.Matches("^ReplicaSet \"web-\\w{10}\" has timed out progressing.$", Condition(status, "Progressing", "message"));
    }

    [Fact]
    public async Task Quota_admission_refuses_a_pod_over_the_hard_limit_with_kubes_forbidden_status()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync(Quotas, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "gpu" }, ["spec"] = new JsonObject { ["hard"] = new JsonObject { ["requests.nvidia.com/gpu"] = "1", ["pods"] = "5" } } });
        JsonObject Pod(string name) => new()
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "i", ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["nvidia.com/gpu"] = "1" } } }) },
        };
        await kube.CreateAsync(Pods, Pod("first"));
        var refused = await kube.PostAsync(Pods, Pod("second"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Code);
        Assert.Equal("Forbidden", refused.Reason);
        Assert.Equal("pods \"second\" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=1, limited: requests.nvidia.com/gpu=1", refused.Message);
        Assert.Equal("pods", refused.Body["details"]!["kind"]!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync(Pods + "/second")).Code);
    }

    [Fact]
    public async Task A_replica_set_refused_by_quota_reports_ReplicaFailure_and_recovers_when_the_quota_grows()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        await kube.CreateAsync(Quotas, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "gpu" }, ["spec"] = new JsonObject { ["hard"] = new JsonObject { ["requests.nvidia.com/gpu"] = "2" } } });
        var d = Deployment("model", 3);
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = new JsonObject { ["limits"] = new JsonObject { ["nvidia.com/gpu"] = "1" } };
        await kube.CreateAsync(Deployments, d);
        await kube.Emulator.Controllers.SettleAsync();

        var rs = Assert.Single(await ItemsAsync(kube, ReplicaSets));
        var failure = rs["status"]!["conditions"]!.AsArray().Single()!;
        Assert.Equal(("ReplicaFailure", "True", "FailedCreate"), (failure["type"]!.ToString(), failure["status"]!.ToString(), failure["reason"]!.ToString()));
        Assert.Contains("is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2", failure["message"]!.ToString());
        var status = await StatusAsync(kube, "model");
        Assert.Equal("FailedCreate", Condition(status, "ReplicaFailure"));
        Assert.Equal(2, (int)status["replicas"]!);
        var events = await ItemsAsync(kube, "/api/v1/namespaces/default/events?fieldSelector=reason%3DFailedCreate");
        Assert.StartsWith("Error creating: pods \"model-", Assert.Single(events)["message"]!.ToString());

        await kube.PatchAsync(Quotas + "/gpu", new JsonObject { ["spec"] = new JsonObject { ["hard"] = new JsonObject { ["requests.nvidia.com/gpu"] = "3" } } }, "application/merge-patch+json");
        await kube.Emulator.Controllers.SettleAsync();
        status = await StatusAsync(kube, "model");
        Assert.Equal(3, (int)status["availableReplicas"]!);
        Assert.Null(Condition(status, "ReplicaFailure"));
        Assert.Null((await ItemsAsync(kube, ReplicaSets)).Single()["status"]!["conditions"]);
    }

    [Fact]
    public async Task A_replica_set_without_a_deployment_keeps_its_own_pods()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        var d = Deployment("solo", 2);
        var rs = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["metadata"] = new JsonObject { ["name"] = "solo" }, ["spec"] = d["spec"]!.DeepClone() };
        await kube.CreateAsync(ReplicaSets, rs);
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Equal(["solo-0", "solo-1"], (await ItemsAsync(kube, Pods)).Select(p => p["metadata"]!["name"]!.ToString()).Order());
        Assert.Equal(2, (int)(await kube.GetAsync(ReplicaSets + "/solo")).Body["status"]!["readyReplicas"]!);
    }

    [Fact]
    public async Task A_pod_no_controller_owns_runs_and_turns_ready_after_the_delay()
    {
        var (kube, time) = await StartAsync();
        await using var _ = kube;
        await kube.CreateAsync(Pods, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "box" },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "box", ["image"] = "busybox" }) },
        });
        await kube.Emulator.Controllers.SettleAsync();
        var pod = (await kube.GetAsync(Pods + "/box")).Body;
        Assert.Equal("Running", pod["status"]!["phase"]!.ToString());
        Assert.False(IsReady(pod));
        await StepAsync(kube, time);
        Assert.True(IsReady((await kube.GetAsync(Pods + "/box")).Body));
    }

    [Fact]
    public async Task A_paused_deployment_keeps_its_replica_set_until_resumed()
    {
        var (kube, _) = await StartAsync(readySeconds: 0);
        await using var k = kube;
        await kube.CreateAsync(Deployments, Deployment("web", 2));
        await kube.Emulator.Controllers.SettleAsync();
        await kube.PatchAsync(Deployments + "/web", new JsonObject { ["spec"] = new JsonObject { ["paused"] = true } }, "application/merge-patch+json");
        await ChangeImageAsync(kube, "nginx:2");
        await kube.Emulator.Controllers.SettleAsync();
        var status = await StatusAsync(kube);
        Assert.Equal(("Unknown", "DeploymentPaused"), (Condition(status, "Progressing", "status"), Condition(status, "Progressing")));
        Assert.Single(await ItemsAsync(kube, ReplicaSets));

        await kube.PatchAsync(Deployments + "/web", new JsonObject { ["spec"] = new JsonObject { ["paused"] = false } }, "application/merge-patch+json");
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Equal("NewReplicaSetAvailable", Condition(await StatusAsync(kube), "Progressing"));
        Assert.All(await ItemsAsync(kube, Pods), p => Assert.Equal("nginx:2", p["spec"]!["containers"]![0]!["image"]!.ToString()));
    }

    [Fact]
    public async Task Autoscaling_v1_and_v2_serve_one_horizontal_pod_autoscaler()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync("/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = "web" },
                ["maxReplicas"] = 5, ["targetCPUUtilizationPercentage"] = 70,
            },
        });
        var v2 = (await kube.GetAsync("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web")).Body;
        Assert.Equal(70, (int)v2["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]!);
        Assert.Equal(1, (int)v2["spec"]!["minReplicas"]!);
        var v1 = (await kube.GetAsync("/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web")).Body;
        Assert.Equal("autoscaling/v1", v1["apiVersion"]!.ToString());
        Assert.Equal(70, (int)v1["spec"]!["targetCPUUtilizationPercentage"]!);
        Assert.Null(v1["spec"]!["metrics"]);
    }
}
