using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace MlOperator.Operator.IntegrationTests.RealPods;

/// <summary>
/// The emulator's real pod mode: Deployments whose pods run the built inference sidecar (tests/models/mlp.onnx) on
/// their own loopback IPs, readiness from the sidecar, restarts and CrashLoopBackOff, a Service proxy, fault env by
/// label, and no process left behind. Its own emulator per test, so the cluster choice does not apply.
/// </summary>
public sealed class RealPodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ModelUri = "pvc://model-store/mlp/1/model.onnx";
    private const string Infer = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}]}";
    /// <summary>Not 8080: on one host a process listening on 0.0.0.0:8080 (an operator under `make run`) takes it from every pod address.</summary>
    private const int Port = 18080;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    private readonly string _badModel = Path.Combine(Directory.CreateTempSubdirectory("mlop-realpods-").FullName, "broken.onnx");
    private KubeEmulator _emulator = null!;
    private HttpClient _api = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static string SidecarPath => RepoPaths.Built("Inference.Sidecar", "MlOperator.Inference.Sidecar.dll");

    public async Task InitializeAsync()
    {
        output.WriteLine(ClusterSelection.OwnEmulatorNotice);
        await File.WriteAllTextAsync(_badModel, "not an onnx model");
        Assert.True(File.Exists(SidecarPath), $"the sidecar is not built at {SidecarPath}");
        _emulator = await KubeEmulator.StartAsync(new EmulatorOptions
        {
            SimulateControllers = true,
            RealPods = new RealPodOptions
            {
                SidecarPath = SidecarPath,
                Models = new Dictionary<string, string>
                {
                    [ModelUri] = Path.Combine(RepoPaths.Root, "tests", "models", "mlp.onnx"),
                    ["pvc://model-store/broken/model.onnx"] = _badModel,
                },
                InitialBackOff = TimeSpan.FromMilliseconds(200),
                MaxBackOff = TimeSpan.FromSeconds(1),
                // Pods' own terminationGracePeriodSeconds (5 s in Manifest); a sidecar exits by itself after its drain.
                MaxGracePeriod = TimeSpan.FromMinutes(10),
            },
        });
        _api = _emulator.CreateHttpClient(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        _http.Dispose();
        await _emulator.DisposeAsync();
        File.Delete(_badModel);
    }

    [Fact]
    public async Task Deployment_is_available_only_once_its_sidecars_are_ready_and_the_service_spreads_connections_over_them()
    {
        await _emulator.ApplyManifestAsync(Manifest("mlp", replicas: 2) + "---\n" + Service("mlp"));
        var early = await GetAsync("/apis/apps/v1/namespaces/default/deployments/mlp");
        Assert.Equal(0, (int?)early["status"]?["availableReplicas"] ?? 0);

        var deployment = await TestCluster.EventuallyAsync(() => GetAsync("/apis/apps/v1/namespaces/default/deployments/mlp"),
            d => (int?)d["status"]?["availableReplicas"] == 2, "mlp available with 2 replicas", Within);
        Assert.Contains(deployment["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Available" && (string?)c["status"] == "True");
        var pods = await PodsAsync("app=mlp");
        Assert.Equal(2, pods.Count);
        var ips = pods.Select(p => (string)p["status"]!["podIP"]!).ToList();
        Assert.All(ips, ip => Assert.StartsWith("127.1.", ip));
        Assert.Equal(2, ips.Distinct().Count());
        foreach (var ip in ips) Assert.Equal(200, (int)(await _http.GetAsync($"http://{ip}:{Port}/v2/health/ready")).StatusCode);

        var url = await TestCluster.EventuallyAsync(() => Task.FromResult(_emulator.ServiceUrl("default", "mlp")), u => u is not null, "service proxy", Within);
        using var viaAdmin = await _api.GetAsync("/emulator/services/default/mlp");
        Assert.Equal(url!.ToString().TrimEnd('/'), (string?)JsonNode.Parse(await viaAdmin.Content.ReadAsStringAsync())!["url"]);
        for (var i = 0; i < 10; i++)
        {
            using var response = await PostInferAsync(new Uri(url, "/v2/models/mlp/infer"));
            Assert.Equal(200, (int)response.StatusCode);
        }
        foreach (var ip in ips) Assert.Equal(5, await RequestCountAsync(ip, "200"));

        var pids = _emulator.PodProcessIds;
        Assert.Equal(2, pids.Count);
        await _emulator.DisposeAsync();
        Assert.All(pids, pid => Assert.False(Alive(pid), $"pid {pid} outlived the emulator"));
    }

    [Fact]
    public async Task A_deleted_pod_leaves_the_service_rotation_before_it_is_stopped()
    {
        await _emulator.ApplyManifestAsync(Manifest("rot", replicas: 2) + "---\n" + Service("rot"));
        var pods = await TestCluster.EventuallyAsync(() => PodsAsync("app=rot"), p => p.Count == 2 && p.All(Ready), "two ready pods", Within);
        var url = await TestCluster.EventuallyAsync(() => Task.FromResult(_emulator.ServiceUrl("default", "rot")), u => u is not null, "service proxy", Within);
        var (doomed, kept) = (pods[0], pods[1]);
        var keptIp = (string)kept["status"]!["podIP"]!;
        // The ReplicaSet's replacement must not join the rotation during the check: a wrong digest keeps it unready.
        _emulator.AddPodEnv("app=rot", new Dictionary<string, string> { ["MLOP_MODEL_SHA256"] = new string('0', 64) });

        using var deleted = await _api.DeleteAsync($"/api/v1/namespaces/default/pods/{(string)doomed["metadata"]!["name"]!}");
        Assert.Equal(200, (int)deleted.StatusCode);
        for (var i = 0; i < 10; i++)
        {
            using var response = await PostInferAsync(new Uri(url!, "/v2/models/mlp/infer"));
            Assert.Equal(200, (int)response.StatusCode);
        }

        Assert.Equal(10, await RequestCountAsync(keptIp, "200"));
    }

    [Fact]
    public async Task A_deleted_pod_still_serves_connections_that_reach_it_and_reports_not_ready_until_its_shutdown_delay_ends()
    {
        // A delay and grace period longer than any test run: the pod is still draining when the assertions run, however
        // slow the machine; the emulator kills it at the end.
        _emulator.AddPodEnv("app=drain", new Dictionary<string, string> { ["MLOP_SHUTDOWN_DELAY"] = "5m" });
        await _emulator.ApplyManifestAsync(Manifest("drain", replicas: 1, graceSeconds: 600));
        var pod = (await TestCluster.EventuallyAsync(() => PodsAsync("app=drain"), p => p.Count == 1 && p.All(Ready), "a ready pod", Within))[0];
        var ip = (string)pod["status"]!["podIP"]!;
        var pid = Assert.Single(_emulator.PodProcessIds);

        using var deleted = await _api.DeleteAsync($"/api/v1/namespaces/default/pods/{(string)pod["metadata"]!["name"]!}");
        Assert.Equal(200, (int)deleted.StatusCode);

        // SIGTERM reached it: not ready, so nothing that still probes it sends more.
        var notReady = await TestCluster.EventuallyAsync(async () =>
            {
                using var response = await _http.GetAsync($"http://{ip}:{Port}/v2/health/ready");
                return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
            }, r => r.Item1 == 503, "the deleted pod reports not ready", Within);
        // A connection that still reaches it (a node's proxy that has not caught up yet) is served, and told to close.
        using var keepAlive = new HttpClient();
        using var infer = await keepAlive.PostAsync($"http://{ip}:{Port}/v2/models/mlp/infer", new StringContent(Infer, Encoding.UTF8, "application/json"));

        Assert.Contains("shutting down", notReady.Item2, StringComparison.Ordinal);
        Assert.Equal(200, (int)infer.StatusCode);
        Assert.True(infer.Headers.ConnectionClose, infer.Headers.ToString());
        Assert.True(Alive(pid), "the sidecar exited before its shutdown delay");
    }

    [Fact]
    public async Task A_killed_sidecar_is_restarted_and_counted()
    {
        await _emulator.ApplyManifestAsync(Manifest("kill", replicas: 1));
        var pod = (await TestCluster.EventuallyAsync(() => PodsAsync("app=kill"), p => p.Count == 1 && Ready(p[0]), "a ready pod", Within))[0];
        var name = (string)pod["metadata"]!["name"]!;
        var pid = _emulator.PodProcessId("default", name)!.Value;

        Process.GetProcessById(pid).Kill();

        var after = (await TestCluster.EventuallyAsync(() => PodsAsync("app=kill"),
            p => p.Count == 1 && Ready(p[0]) && (int?)Inference(p[0])?["restartCount"] == 1, "restarted and ready again", Within))[0];
        Assert.Equal(name, (string?)after["metadata"]!["name"]);
        Assert.Equal(137, (int?)Inference(after)!["lastState"]!["terminated"]!["exitCode"]);
        Assert.NotEqual(pid, _emulator.PodProcessId("default", name));
        Assert.False(Alive(pid));
    }

    [Fact]
    public async Task A_model_that_makes_the_sidecar_exit_crash_loops_and_the_deployment_stays_unavailable()
    {
        await _emulator.ApplyManifestAsync(Manifest("broken", replicas: 1, model: "broken/model.onnx"));

        var pod = (await TestCluster.EventuallyAsync(() => PodsAsync("app=broken"),
            p => p.Count == 1 && (int?)Inference(p[0])?["restartCount"] >= 2 && (string?)Inference(p[0])?["state"]?["waiting"]?["reason"] == "CrashLoopBackOff",
            "CrashLoopBackOff after two restarts", Within))[0];
        var terminated = Inference(pod)!["lastState"]!["terminated"]!;
        Assert.NotEqual(0, (int)terminated["exitCode"]!);
        Assert.False(Ready(pod));
        var deployment = await GetAsync("/apis/apps/v1/namespaces/default/deployments/broken");
        Assert.Equal(0, (int?)deployment["status"]?["availableReplicas"] ?? 0);
        var later = await TestCluster.EventuallyAsync(() => PodsAsync("app=broken"), p => (int?)Inference(p[0])?["restartCount"] > (int)Inference(pod)!["restartCount"]!, "restartCount grows", Within);
        Assert.False(Ready(later[0]));
    }

    [Fact]
    public async Task Fault_env_chosen_by_label_shows_as_500s_in_those_pods_metrics_only()
    {
        using var set = await _api.PostAsync("/emulator/pod-env", new StringContent(
            """{"selector":"app.kubernetes.io/version=2","env":{"MLOP_FAULT_ERROR_RATE":"0.5"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)set.StatusCode);
        await _emulator.ApplyManifestAsync(Manifest("v1", replicas: 1, version: "1") + "---\n" + Manifest("v2", replicas: 1, version: "2"));
        var pods = await TestCluster.EventuallyAsync(() => PodsAsync("app in (v1,v2)"), p => p.Count == 2 && p.All(Ready), "v1 and v2 ready", Within);

        foreach (var pod in pods)
        {
            var ip = (string)pod["status"]!["podIP"]!;
            for (var i = 0; i < 10; i++) using (await PostInferAsync(new Uri($"http://{ip}:{Port}/v2/models/mlp/infer"))) { }
            var version = (string)pod["metadata"]!["labels"]!["app.kubernetes.io/version"]!;
            Assert.Equal(version == "2" ? 5 : 0, await RequestCountAsync(ip, "500"));
            Assert.Equal(version == "2" ? 5 : 10, await RequestCountAsync(ip, "200"));
        }
    }

    [Fact]
    public async Task Deleting_the_deployment_ends_its_processes()
    {
        await _emulator.ApplyManifestAsync(Manifest("gone", replicas: 2));
        await TestCluster.EventuallyAsync(() => PodsAsync("app=gone"), p => p.Count == 2 && p.All(Ready), "two ready pods", Within);
        var pids = _emulator.PodProcessIds;
        Assert.Equal(2, pids.Count);

        using var deleted = await _api.DeleteAsync("/apis/apps/v1/namespaces/default/deployments/gone");
        Assert.Equal(200, (int)deleted.StatusCode);

        await TestCluster.EventuallyAsync(() => Task.FromResult(pids.Count(Alive)), n => n == 0, "sidecar processes gone", Within);
        Assert.Empty(_emulator.PodProcessIds);
        Assert.Empty(await PodsAsync("app=gone"));
    }

    /// <summary>A Deployment shaped like the operator's: the inference container, MLOP_* env, the model on the model-store claim.</summary>
    private static string Manifest(string app, int replicas, string version = "1", string model = "mlp/1/model.onnx", int graceSeconds = 5) => $"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {"{"} name: {app}, namespace: default {"}"}
            spec:
              replicas: {replicas}
              selector: {"{"} matchLabels: {"{"} app: {app} {"}"} {"}"}
              template:
                metadata:
                  labels: {"{"} app: {app}, app.kubernetes.io/version: "{version}" {"}"}
                spec:
                  terminationGracePeriodSeconds: {graceSeconds}
                  volumes:
                  - name: model
                    persistentVolumeClaim: {"{"} claimName: model-store, readOnly: true {"}"}
                  containers:
                  - name: inference
                    image: ghcr.io/mloperator/inference-sidecar:0.1.0
                    ports: [{"{"} name: http, containerPort: {Port} {"}"}]
                    env:
                    - {"{"} name: MLOP_MODEL_PATH, value: /models/{model} {"}"}
                    - {"{"} name: MLOP_MODEL_NAME, value: mlp {"}"}
                    - {"{"} name: MLOP_MODEL_VERSION, value: "{version}" {"}"}
                    - {"{"} name: MLOP_PORT, value: "{Port}" {"}"}

            """;

    private static string Service(string app) => $"""
        apiVersion: v1
        kind: Service
        metadata: {"{"} name: {app}, namespace: default {"}"}
        spec:
          selector: {"{"} app: {app} {"}"}
          ports: [{"{"} port: 80, targetPort: http {"}"}]

        """;

    private async Task<JsonObject> GetAsync(string path) => JsonNode.Parse(await _api.GetStringAsync(path))!.AsObject();

    private async Task<List<JsonObject>> PodsAsync(string selector) =>
        [.. (await GetAsync($"/api/v1/namespaces/default/pods?labelSelector={Uri.EscapeDataString(selector)}"))["items"]!.AsArray().Select(p => p!.AsObject())];

    private static JsonNode? Inference(JsonObject pod) =>
        pod["status"]?["containerStatuses"]?.AsArray().FirstOrDefault(c => (string?)c!["name"] == "inference");

    private static bool Ready(JsonObject pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True") == true;

    /// <summary>A new connection per request, so the proxy balances each one.</summary>
    private async Task<HttpResponseMessage> PostInferAsync(Uri uri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(Infer, Encoding.UTF8, "application/json") };
        request.Headers.ConnectionClose = true;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await _http.SendAsync(request);
    }

    /// <summary>inference_requests_total for one code from a pod's own /metrics (0 when the series is absent).</summary>
    private async Task<int> RequestCountAsync(string ip, string code)
    {
        var text = await _http.GetStringAsync($"http://{ip}:{Port}/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith("inference_requests_total{", StringComparison.Ordinal) && l.Contains($"code=\"{code}\"", StringComparison.Ordinal))
            .Sum(l => (int)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");
}
