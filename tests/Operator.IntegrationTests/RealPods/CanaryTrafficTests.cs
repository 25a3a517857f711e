using k8s.Models;
using MlOperator.Kubernetes.Emulator;
using MlOperator.Kubernetes.Emulator.Traffic;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.IntegrationTests.Fixtures;
using Xunit.Abstractions;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.IntegrationTests.RealPods;

/// <summary>
/// Canary rollouts with real sidecars and steady real traffic: the emulator runs every pod as the built sidecar
/// (tests/models/mlp.onnx), the operator scrapes their real /metrics, and a bad version regresses for real through
/// the sidecar's fault settings. Its own emulator per test class.
/// </summary>
public sealed partial class CanaryTrafficTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}]}";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    private KubeEmulator _emulator = null!;
    private IKubeClient _client = null!;
    private string _ns = "";
    private readonly string _dir = Directory.CreateTempSubdirectory("mlop-canary-").FullName;

    public async Task InitializeAsync()
    {
        output.WriteLine(ClusterSelection.OwnEmulatorNotice);
        _emulator = await KubeEmulator.StartAsync(new EmulatorOptions
        {
            SimulateControllers = true,
            RealPods = new RealPodOptions
            {
                SidecarPath = RealPodTests.SidecarPath,
                ResolveModel = uri => uri.StartsWith("pvc://model-store/mlp/", StringComparison.Ordinal) ? Path.Combine(RepoPaths.Root, "tests", "models", "mlp.onnx") : null,
                InitialBackOff = TimeSpan.FromMilliseconds(200),
                MaxBackOff = TimeSpan.FromSeconds(1),
                MaxGracePeriod = TimeSpan.FromSeconds(5),
            },
        });
        _emulator.WriteKubeconfig(Kubeconfig);
        _client = KubeClient.Create(KubeConnectionLoader.Load(new KubeConnectionOptions { Path = Kubeconfig }));
        await TestCluster.InstallCrdsAsync(_client);
        _ns = "canary";
        await _client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = _ns } });
    }

    public async Task DisposeAsync()
    {
        (_client as IDisposable)?.Dispose();
        await _emulator.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_healthy_version_is_promoted_through_its_steps_without_a_single_failed_request()
    {
        await using var op = await StartOperatorAsync();
        var md = await CreateReadyAsync(MlpModel(analysis: new AnalysisSpec { Interval = "1s", FailureLimit = 2, MinRequests = 5, MaxErrorRate = 0.01 }));
        await using var traffic = new InferenceTraffic(await ServiceAsync(), "mlp", Body);
        await EventuallyAsync(() => traffic.Succeeded.GetValueOrDefault("1") >= 20, "traffic flowing to version 1");

        await SetVersionAsync(md, "2");

        await StatusAsync(m => m.Status?.Canary is { Weight: 50 }, "canary at 50 %");
        var promoted = await StatusAsync(m => m.Status?.StableVersion == "2" && m.Status.Canary is null && m.Status.Phase == ModelDeploymentPhase.Ready, "version 2 promoted");
        await EventuallyAsync(async () => (await _client.ListAsync<V1Pod>(_ns)).Items.All(p => p.Metadata.Labels!["app.kubernetes.io/version"] == "2"), "only version 2 pods left");
        var servedByTwo = traffic.Succeeded.GetValueOrDefault("2");
        await EventuallyAsync(() => traffic.Succeeded.GetValueOrDefault("2") >= servedByTwo + 20, "version 2 serving after the old pods are gone");
        await traffic.DisposeAsync();

        Assert.True(traffic.Failed == 0, traffic.Describe());
        Assert.True(traffic.Succeeded.GetValueOrDefault("1") > 0 && traffic.Succeeded.GetValueOrDefault("2") > 0, traffic.Describe());
        Assert.DoesNotContain(promoted.Status!.Conditions!, c => c.Type == Degraded && c.Status == True);
    }

    [Fact]
    public async Task A_version_failing_a_fifth_of_its_requests_is_rolled_back_on_its_error_rate()
    {
        await using var op = await StartOperatorAsync();
        var md = await CreateReadyAsync(MlpModel(analysis: new AnalysisSpec { Interval = "1s", FailureLimit = 2, MinRequests = 5, MaxErrorRate = 0.05 }));
        _emulator.AddPodEnv("app.kubernetes.io/version=2", new Dictionary<string, string> { ["MLOP_FAULT_ERROR_RATE"] = "0.2" });
        await using var traffic = new InferenceTraffic(await ServiceAsync(), "mlp", Body);

        await SetVersionAsync(md, "2");

        var degraded = await StatusAsync(m => m.Status?.Conditions?.Any(c => c.Type == Degraded && c.Status == True && c.Reason == ReasonAnalysisFailed) == true, "AnalysisFailed");
        var message = degraded.Status!.Conditions!.Single(c => c.Type == Degraded).Message;
        Assert.StartsWith("canary 2 rolled back to 1: error rate 0.", message);
        Assert.Contains("exceeds limit 0.05", message);
        Assert.Equal("1", degraded.Status.StableVersion);
        await EventuallyAsync(async () => (await _client.ListAsync<V1Pod>(_ns)).Items.All(p => p.Metadata.Labels!["app.kubernetes.io/version"] == "1"), "version 2 pods gone");
        var failedBefore = traffic.Failed;
        var okBefore = traffic.Succeeded.GetValueOrDefault("1");
        await EventuallyAsync(() => traffic.Succeeded.GetValueOrDefault("1") >= okBefore + 30, "version 1 serving alone");
        Assert.True(traffic.Failed == failedBefore, "requests failed after the rollback: " + traffic.Describe());
    }

    [Fact]
    public async Task A_version_three_times_slower_than_the_stable_is_rolled_back_on_its_latency_ratio()
    {
        await using var op = await StartOperatorAsync();
        var md = await CreateReadyAsync(MlpModel(analysis: new AnalysisSpec { Interval = "1s", FailureLimit = 2, MinRequests = 5, MaxLatencyRatioToStable = 2 }));
        _emulator.AddPodEnv("app.kubernetes.io/version=2", new Dictionary<string, string> { ["MLOP_FAULT_LATENCY_MS"] = "30" });
        await using var traffic = new InferenceTraffic(await ServiceAsync(), "mlp", Body);

        await SetVersionAsync(md, "2");

        var degraded = await StatusAsync(m => m.Status?.Conditions?.Any(c => c.Type == Degraded && c.Status == True && c.Reason == ReasonAnalysisFailed) == true, "AnalysisFailed");
        Assert.Contains("p99 latency ratio to stable", degraded.Status!.Conditions!.Single(c => c.Type == Degraded).Message);
        Assert.True(traffic.Failed == 0, traffic.Describe());
    }

    [Fact]
    public async Task Without_traffic_a_version_is_not_promoted_and_its_deadline_rolls_it_back()
    {
        await using var op = await StartOperatorAsync();
        var spec = MlpModel(analysis: new AnalysisSpec { Interval = "1s", FailureLimit = 2, MinRequests = 5, MaxErrorRate = 0.01 });
        spec.Spec.Rollout!.ProgressDeadline = "6s";
        var md = await CreateReadyAsync(spec);

        await SetVersionAsync(md, "2");

        var inconclusive = await StatusAsync(m => m.Status?.Canary?.LastAnalysis?.StartsWith("Inconclusive", StringComparison.Ordinal) == true, "an inconclusive check");
        Assert.Equal("1", inconclusive.Status!.StableVersion);
        var degraded = await StatusAsync(m => m.Status?.Conditions?.Any(c => c.Type == Degraded && c.Status == True && c.Reason == ReasonProgressDeadlineExceeded) == true, "ProgressDeadlineExceeded");
        Assert.Contains("no conclusive analysis", degraded.Status!.Conditions!.Single(c => c.Type == Degraded).Message);
        Assert.Equal("1", degraded.Status.StableVersion);
    }

    [Fact]
    public async Task An_operator_stopped_mid_step_leaves_the_step_to_a_fresh_operator_which_promotes_once()
    {
        DateTimeOffset? started;
        await using (var first = await StartOperatorAsync())
        {
            var md = await CreateReadyAsync(MlpModel(analysis: null, pause: "8s"));
            await SetVersionAsync(md, "2");
            var running = await StatusAsync(m => m.Status?.Canary?.StepStartedAt is not null, "step started");
            started = running.Status!.Canary!.StepStartedAt;
        }

        // Stopped mid-step: the step and its start are in status, nothing promoted yet.
        var stopped = await _client.GetAsync<Md>("mlp", _ns);
        Assert.Equal(("1", started), (stopped.Status!.StableVersion, stopped.Status.Canary?.StepStartedAt));

        // A fresh operator (no memory but status) carries on; the SIGKILL test checks the step start it keeps.
        await using var second = await StartOperatorAsync();
        var promoted = await StatusAsync(m => m.Status?.StableVersion == "2", "version 2 promoted by the restarted operator");
        // Events are recorded after the status write: wait for it, then make sure there is only one.
        await EventuallyAsync(async () => (await _client.ListAsync<Corev1Event>(_ns)).Items.Any(e => e.Reason == ReasonPromoted), "a Promoted event");
        Assert.Single((await _client.ListAsync<Corev1Event>(_ns)).Items, e => e.Reason == ReasonPromoted);
        Assert.Null(promoted.Status!.Canary);
    }

    private string Kubeconfig => Path.Combine(_dir, "kubeconfig");

    private Task<OperatorRunner> StartOperatorAsync() => OperatorRunner.StartAsync(KubeClient.Create(KubeConnectionLoader.Load(
        new KubeConnectionOptions { Path = Kubeconfig })), _ns);

    private Md MlpModel(AnalysisSpec? analysis, string pause = "3s") => new()
    {
        ApiVersion = "serving.mloperator.io/v1alpha1",
        Kind = "ModelDeployment",
        Metadata = new V1ObjectMeta { Name = "mlp", NamespaceProperty = _ns },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSpec { Name = "mlp", Version = "1", Uri = "pvc://model-store/mlp/1/model.onnx" },
            Replicas = 2,
            Rollout = new RolloutSpec
            {
                Strategy = RolloutSpec.Canary,
                Steps = [new RolloutStep { Weight = 50, Pause = pause }],
                Analysis = analysis,
            },
        },
    };

    private async Task<Md> CreateReadyAsync(Md md)
    {
        var created = await _client.CreateAsync(md);
        await StatusAsync(m => m.Status?.Phase == ModelDeploymentPhase.Ready, "version 1 Ready");
        return created;
    }

    private Task<Md> SetVersionAsync(Md md, string version) => _client.PatchAsync<Md>(md.Metadata.Name!, _ns, new k8s.Models.V1Patch(
        "{\"spec\":{\"model\":{\"version\":\"" + version + "\",\"uri\":\"pvc://model-store/mlp/" + version + "/model.onnx\"}}}", k8s.Models.V1Patch.PatchType.MergePatch));

    private async Task<Uri> ServiceAsync() =>
        (await TestCluster.EventuallyAsync(() => Task.FromResult(_emulator.ServiceUrl(_ns, "mlp")), u => u is not null, "service proxy", Within))!;

    private Task<Md> StatusAsync(Func<Md, bool> done, string what) =>
        TestCluster.EventuallyAsync(() => _client.GetAsync<Md>("mlp", _ns), done, what, Within);

    private static Task EventuallyAsync(Func<bool> condition, string what) => TestCluster.EventuallyAsync(condition, what, Within);

    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) => TestCluster.EventuallyAsync(condition, ok => ok, what, Within);
}
