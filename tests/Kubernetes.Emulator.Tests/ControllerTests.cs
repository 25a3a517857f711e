using System.Net;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>The simulated garbage collector, Deployment controller and ResourceQuota controller.</summary>
public sealed class ControllerTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    private static async Task<JsonArray> PodsAsync(TestKube kube, string selector = "") =>
        (await kube.GetAsync(Pods + (selector.Length > 0 ? "?labelSelector=" + Uri.EscapeDataString(selector) : ""))).Body["items"]!.AsArray();

    [Fact]
    public async Task Deployment_controller_creates_a_replica_set_whose_pods_report_status_after_the_ready_delay()
    {
        var time = new ManualTime();
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true, TimeProvider = time, PodReadyDelay = TimeSpan.FromSeconds(10) });
        var d = Deployment("web", 3);
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 });
        var created = await kube.CreateAsync(Deployments, d);
        await kube.Emulator.Controllers.SettleAsync();

        var pods = await PodsAsync(kube, "app=web");
        Assert.Equal(3, pods.Count);
        var pod = pods[0]!;
        Assert.Matches("^web-[a-z0-9]{10}-0$", pod["metadata"]!["name"]!.ToString());
        var rs = Assert.Single((await kube.GetAsync("/apis/apps/v1/namespaces/default/replicasets")).Body["items"]!.AsArray())!;
        Assert.Equal(rs["metadata"]!["uid"]!.ToString(), pod["metadata"]!["ownerReferences"]![0]!["uid"]!.ToString());
        Assert.Equal(created["metadata"]!["uid"]!.ToString(), rs["metadata"]!["ownerReferences"]![0]!["uid"]!.ToString());
        Assert.Equal(rs["metadata"]!["labels"]!["pod-template-hash"]!.ToString(), pod["metadata"]!["labels"]!["pod-template-hash"]!.ToString());
        Assert.Equal("1", rs["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.ToString());
        Assert.Equal("127.0.0.1", pod["status"]!["podIP"]!.ToString());
        Assert.Equal("False", pod["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.ToString() == "Ready")!["status"]!.ToString());
        var status = (await kube.GetAsync(Deployments + "/web")).Body["status"]!;
        Assert.Equal(3, (int)status["replicas"]!);
        Assert.Null(status["readyReplicas"]);
        Assert.Equal(1, (int)status["observedGeneration"]!);

        time.Advance(TimeSpan.FromSeconds(11));
        await kube.Emulator.Controllers.SettleAsync();
        status = (await kube.GetAsync(Deployments + "/web")).Body["status"]!;
        Assert.Equal(3, (int)status["readyReplicas"]!);
        Assert.Equal(3, (int)status["availableReplicas"]!);
        Assert.Equal(3, (int)status["updatedReplicas"]!);
        Assert.Contains(status["conditions"]!.AsArray(), c => c!["type"]!.ToString() == "Available" && c["status"]!.ToString() == "True");
        Assert.Contains(status["conditions"]!.AsArray(), c => c!["type"]!.ToString() == "Progressing" && c["reason"]!.ToString() == "NewReplicaSetAvailable");

        var rv = kube.Emulator.ResourceVersion;
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Equal(rv, kube.Emulator.ResourceVersion);
    }

    [Fact]
    public async Task Paused_controllers_keep_every_change_queued_and_process_it_on_resume()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        using var http = kube.Emulator.CreateHttpClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/emulator/controllers", new StringContent("""{"paused":"yes"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/emulator/controllers", new StringContent("""{"paused":true}"""))).StatusCode);
        await kube.CreateAsync(Deployments, Deployment("web", 2));
        await kube.CreateAsync(Deployments, Deployment("api", 1));

        var state = JsonNode.Parse(await http.GetStringAsync("/emulator/controllers"))!;
        Assert.True((bool)state["paused"]!);
        Assert.Equal(2, (long)state["pending"]!);
        Assert.Empty((await kube.GetAsync("/apis/apps/v1/namespaces/default/replicasets")).Body["items"]!.AsArray());

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/emulator/controllers", new StringContent("""{"paused":false}"""))).StatusCode);
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Equal(2, (await kube.GetAsync("/apis/apps/v1/namespaces/default/replicasets")).Body["items"]!.AsArray().Count);
        Assert.Equal(3, (await PodsAsync(kube)).Count);
        state = JsonNode.Parse(await http.GetStringAsync("/emulator/controllers"))!;
        Assert.False((bool)state["paused"]!);
        Assert.Equal(0, (long)state["pending"]!);
    }

    [Fact]
    public async Task Tests_can_drive_pod_states_and_override_the_container_port()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        kube.Emulator.Controllers.SetContainerPort("default", "web", 43210);
        await kube.CreateAsync(Deployments, Deployment("web", 4));
        kube.Emulator.Controllers.SetPodStates("default", "web", ready: 2, unready: 1, failing: 1);
        await kube.Emulator.Controllers.SettleAsync();
        var status = (await kube.GetAsync(Deployments + "/web")).Body["status"]!;
        Assert.Equal(2, (int)status["readyReplicas"]!);
        Assert.Contains(status["conditions"]!.AsArray(), c => c!["type"]!.ToString() == "Progressing" && c["status"]!.ToString() == "False");
        var pods = await PodsAsync(kube, "app=web");
        Assert.All(pods, p => Assert.Equal(43210, (int)p!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!));
        Assert.Contains(pods, p => p!["status"]!["containerStatuses"]![0]!["state"]!["waiting"]?["reason"]?.ToString() == "CrashLoopBackOff");

        // A template change rolls out a new ReplicaSet; with no ready delay it completes as soon as the controllers settle.
        await kube.PatchAsync(Deployments + "/web", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 2, ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web", ["v"] = "2" } } } } }, "application/strategic-merge-patch+json");
        await kube.Emulator.Controllers.SettleAsync();
        pods = await PodsAsync(kube, "app=web");
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("2", p!["metadata"]!["labels"]!["v"]!.ToString()));
    }

    [Fact]
    public async Task A_pod_orphaned_from_its_replica_set_is_replaced_and_left_running()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        await kube.CreateAsync(Deployments, Deployment("web", 2));
        await kube.Emulator.Controllers.SettleAsync();
        var orphan = (await PodsAsync(kube))[0]!["metadata"]!["name"]!.ToString();

        await kube.PatchAsync($"{Pods}/{orphan}", new JsonObject { ["metadata"] = new JsonObject { ["ownerReferences"] = null } }, "application/merge-patch+json");
        await kube.Emulator.Controllers.SettleAsync();

        var pods = await PodsAsync(kube);
        Assert.Equal(3, pods.Count);
        Assert.Equal(2, pods.Count(p => p!["metadata"]!["ownerReferences"] is not null));
        Assert.Contains(pods, p => p!["metadata"]!["name"]!.ToString() == orphan && p["metadata"]!["ownerReferences"] is null);
        Assert.Equal(2, (int)(await kube.GetAsync(Deployments + "/web")).Body["status"]!["replicas"]!);
    }

    [Fact]
    public async Task Garbage_collector_deletes_dependents_in_the_background_and_holds_foreground_owners()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        await kube.CreateAsync(Deployments, Deployment("web", 2));
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Equal(2, (await PodsAsync(kube)).Count);
        await kube.DeleteAsync(Deployments + "/web", new JsonObject { ["propagationPolicy"] = "Background" });
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Empty(await PodsAsync(kube));

        var owner = await kube.CreateAsync("/api/v1/namespaces/default/configmaps", ConfigMap("owner"));
        var dependent = ConfigMap("dependent");
        dependent["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "owner", ["uid"] = owner["metadata"]!["uid"]!.DeepClone(), ["blockOwnerDeletion"] = true,
        });
        dependent["metadata"]!["finalizers"] = new JsonArray("example.com/slow");
        await kube.CreateAsync("/api/v1/namespaces/default/configmaps", dependent);
        var deleting = await kube.DeleteAsync("/api/v1/namespaces/default/configmaps/owner", new JsonObject { ["propagationPolicy"] = "Foreground" });
        Assert.Contains("foregroundDeletion", deleting.Body["metadata"]!["finalizers"]!.AsArray().Select(f => f!.ToString()));
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync("/api/v1/namespaces/default/configmaps/owner")).Code);
        Assert.NotNull((await kube.GetAsync("/api/v1/namespaces/default/configmaps/dependent")).Body["metadata"]!["deletionTimestamp"]);

        await kube.PatchAsync("/api/v1/namespaces/default/configmaps/dependent", new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } }, "application/merge-patch+json");
        await kube.Emulator.Controllers.SettleAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync("/api/v1/namespaces/default/configmaps/owner")).Code);
    }

    [Fact]
    public async Task Quota_controller_reports_hard_and_used_from_pod_requests()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        await kube.CreateAsync("/api/v1/namespaces/default/resourcequotas", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "q" },
            ["spec"] = new JsonObject { ["hard"] = new JsonObject { ["requests.cpu"] = "4", ["requests.memory"] = "8Gi", ["requests.nvidia.com/gpu"] = "2", ["pods"] = "10", ["limits.cpu"] = "8" } },
        });
        var d = Deployment("web", 2);
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = "250m", ["memory"] = "512Mi", ["nvidia.com/gpu"] = "1" },
            ["limits"] = new JsonObject { ["cpu"] = "1", ["nvidia.com/gpu"] = "1" },
        };
        await kube.CreateAsync(Deployments, d);
        await kube.Emulator.Controllers.SettleAsync();
        var status = (await kube.GetAsync("/api/v1/namespaces/default/resourcequotas/q")).Body["status"]!;
        Assert.Equal("4", status["hard"]!["requests.cpu"]!.ToString());
        Assert.Equal("500m", status["used"]!["requests.cpu"]!.ToString());
        Assert.Equal("1Gi", status["used"]!["requests.memory"]!.ToString());
        Assert.Equal("2", status["used"]!["requests.nvidia.com/gpu"]!.ToString());
        Assert.Equal("2", status["used"]!["pods"]!.ToString());
        Assert.Equal("2", status["used"]!["limits.cpu"]!.ToString());
    }

    [Fact]
    public async Task Without_simulation_nothing_creates_pods()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync(Deployments, Deployment("web", 2));
        await kube.Emulator.Controllers.SettleAsync();
        Assert.False(kube.Emulator.Controllers.Enabled);
        Assert.Empty(await PodsAsync(kube));
    }
}
