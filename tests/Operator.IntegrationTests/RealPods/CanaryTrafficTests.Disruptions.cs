using MlOperator.Kubernetes.Emulator.Traffic;
using System.Text;
using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.IntegrationTests.Fixtures;
using MlOperator.Operator.Resources;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.IntegrationTests.RealPods;

/// <summary>
/// What happens to a canary under real traffic when something else moves: the operator process is killed with
/// SIGKILL mid-step, the spec changes again mid-canary, an HPA rescales the stable mid-canary. "Never" assertions read
/// every version a watch delivered (<see cref="WatchRecorder{T}"/>), not polled samples.
/// </summary>
public sealed partial class CanaryTrafficTests
{
    private static AnalysisSpec SteadyAnalysis => new() { Interval = "1s", FailureLimit = 3, MinRequests = 5, MaxErrorRate = 0.05 };

    [Fact]
    public async Task An_operator_killed_with_sigkill_mid_step_is_replaced_by_a_process_that_resumes_the_step_and_its_failure_count()
    {
        await using var first = await OperatorProcess.StartAsync(Kubeconfig, _ns);
        var md = await CreateReadyAsync(MlpModel(SteadyAnalysis, pause: "20s"));
        await using var traffic = new InferenceTraffic(await ServiceAsync(), "mlp", Body);
        await EventuallyAsync(() => traffic.Succeeded.GetValueOrDefault("1") >= 20, "traffic flowing to version 1");
        await using var statuses = await WatchRecorder<Md>.StartAsync(_client, _ns);

        await SetVersionAsync(md, "2");
        var running = await StatusAsync(m => m.Status?.Canary is { StepStartedAt: not null, LastAnalysis: not null }, "step 1 started and analysed at least once");
        var exitCode = await first.KillAsync();
        var atKill = await _client.GetAsync<Md>("mlp", _ns);

        // A fresh process, with nothing but status to go on, takes over the Lease the killed one never released.
        await using var second = await OperatorProcess.StartAsync(Kubeconfig, _ns);
        await second.LeadingAsync();
        var promotedEvents = await PromotedAndServingAsync("2", traffic);

        Assert.Equal(137, exitCode); // 128 + SIGKILL: no shutdown code ran
        var started = running.Status!.Canary!.StepStartedAt;
        Assert.True(atKill.Status is { StableVersion: "1", Canary: { Promoting: null } } && atKill.Status.Canary.StepStartedAt == started,
            "killed mid-step: " + KubeJsonText(atKill.Status));
        var canaries = statuses.Seen.Select(m => m.Status?.Canary).OfType<CanaryStatus>().Where(c => c.Version == "2").ToList();
        Assert.All(canaries.Where(c => c.StepStartedAt is not null), c => Assert.Equal(started, c.StepStartedAt)); // the pause resumed, not restarted
        Assert.All(canaries, c => Assert.Equal(0, c.AnalysisFailures ?? 0)); // healthy: no failure counted, none twice
        // Only the second process can have scheduled a check after the killed one's last: it judged traffic itself
        // within the step's remaining pause, rather than finding the pause over.
        Assert.Contains(canaries, c => c.NextAnalysisAt > atKill.Status.Canary.NextAnalysisAt && c.Promoting is null);
        Assert.True(traffic.Failed == 0, traffic.Describe());
        var promotedEvent = Assert.Single(promotedEvents.Items, e => e.Reason == ReasonPromoted);
        Assert.Equal((PromotedMessage("2"), 1), (promotedEvent.Message, promotedEvent.Count ?? 1)); // not recorded twice, nor aggregated
    }

    [Fact]
    public async Task A_spec_change_mid_canary_supersedes_it_the_new_version_starts_at_step_one_and_the_stable_is_untouched()
    {
        await using var op = await StartOperatorAsync();
        var spec = MlpModel(SteadyAnalysis);
        spec.Spec.Rollout!.Steps = [new RolloutStep { Weight = 50, Pause = "2s" }, new RolloutStep { Weight = 75, Pause = "10s" }];
        var md = await CreateReadyAsync(spec);
        var stable = (await DeploymentOfVersionAsync("1"))!;
        await using var traffic = new InferenceTraffic(await ServiceAsync(), "mlp", Body);
        await EventuallyAsync(() => traffic.Succeeded.GetValueOrDefault("1") >= 20, "traffic flowing to version 1");
        await using var deployments = await WatchRecorder<V1Deployment>.StartAsync(_client, _ns);
        await using var statuses = await WatchRecorder<Md>.StartAsync(_client, _ns);

        await SetVersionAsync(md, "2");
        await StatusAsync(m => m.Status?.Canary is { Version: "2", Step: 1, StepStartedAt: not null }, "canary 2 at step 2");
        var servedByTwo = traffic.Succeeded.GetValueOrDefault("2");
        await SetVersionAsync(md, "3");

        await EventuallyAsync(async () => await DeploymentOfVersionAsync("2") is null
            && (await _client.ListAsync<V1Pod>(_ns)).Items.All(p => p.Metadata.Labels![ModelDeploymentLabels.Version] != "2"), "version 2 pods and Deployment gone");
        var events = await PromotedAndServingAsync("3", traffic);

        Assert.True(servedByTwo > 0, "version 2 served no request before it was superseded: " + traffic.Describe());
        var three = statuses.Seen.Select(m => m.Status?.Canary).OfType<CanaryStatus>().Where(c => c.Version == "3").ToList();
        Assert.Equal(0, three[0].Step); // a fresh canary, not version 2's step
        Assert.Equal(three.Select(c => c.Step), three.Select(c => c.Step).Order());
        Assert.All(three, c => Assert.Equal(0, c.AnalysisFailures ?? 0));
        Assert.DoesNotContain(statuses.Seen, m => m.Status?.StableVersion == "2");
        // Every write to the stable while versions 2 and 3 came and went: the same object, its spec never changed.
        var stableVersions = deployments.Seen.Where(d => d.Metadata.Name == stable.Metadata.Name && d.Spec?.Replicas > 0).ToList();
        Assert.All(stableVersions, d => Assert.True(d.Metadata.Uid == stable.Metadata.Uid && d.Metadata.Generation == stable.Metadata.Generation,
            $"stable changed before its retirement: uid {d.Metadata.Uid}, generation {d.Metadata.Generation}, was {stable.Metadata.Uid}/{stable.Metadata.Generation}"));
        Assert.True(traffic.Failed == 0, traffic.Describe());
        var promotedEvent = Assert.Single(events.Items, e => e.Reason == ReasonPromoted);
        Assert.Equal((PromotedMessage("3"), 1), (promotedEvent.Message, promotedEvent.Count ?? 1));
    }

    [Fact]
    public async Task An_hpa_scaling_the_stable_mid_canary_sizes_the_next_step_and_the_promoted_stable_keeps_that_size()
    {
        await using var op = await StartOperatorAsync();
        var spec = MlpModel(SteadyAnalysis);
        spec.Spec.Replicas = null;
        spec.Spec.Autoscaling = new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 6 };
        spec.Spec.Rollout!.Steps = [new RolloutStep { Weight = 25, Pause = "4s" }, new RolloutStep { Weight = 50, Pause = "3s" }];
        var md = await CreateReadyAsync(spec);
        var stable = (await DeploymentOfVersionAsync("1"))!.Metadata.Name!;
        await ScaleAsHpaAsync(stable, 2); // the HPA's minReplicas
        await EventuallyAsync(async () => (await DeploymentOfVersionAsync("1"))?.Status?.ReadyReplicas == 2, "stable at 2 ready pods");
        await using var traffic = new InferenceTraffic(await ServiceAsync(), "mlp", Body);
        await EventuallyAsync(() => traffic.Succeeded.GetValueOrDefault("1") >= 20, "traffic flowing to version 1");
        await using var deployments = await WatchRecorder<V1Deployment>.StartAsync(_client, _ns);

        await SetVersionAsync(md, "2");
        await StatusAsync(m => m.Status?.Canary is { Version: "2", Step: 0, StepStartedAt: not null }, "canary 2 at step 1");
        var canary = (await DeploymentOfVersionAsync("2"))!;
        await ScaleAsHpaAsync(stable, 4); // load rose: the HPA doubles the stable mid-canary

        // Step 2 is sized on the stable's new size: ceil(50 % of 4) = 2 (1 had it stayed at 2).
        await StatusAsync(m => m.Status?.Canary is { Version: "2", Step: 1, StepStartedAt: not null, Weight: 50 }, "canary 2 at step 2");
        var secondStep = await DeploymentOfVersionAsync("2");
        await StatusAsync(m => m.Status?.StableVersion == "2" && m.Status.Canary is null && m.Status.Phase == ModelDeploymentPhase.Ready, "version 2 promoted");
        var hpa = await TestCluster.EventuallyAsync(() => _client.GetAsync<V2HorizontalPodAutoscaler>("mlp", _ns),
            h => h.Spec?.ScaleTargetRef?.Name == canary.Metadata.Name, "the HPA scales the new stable", Within);
        await EventuallyAsync(async () => (await _client.ListAsync<V1Deployment>(_ns)).Items.Count == 1, "the old stable gone");
        var promoted = (await DeploymentOfVersionAsync("2"))!;
        await traffic.DisposeAsync();

        Assert.Equal(1, canary.Spec!.Replicas); // ceil(25 % of 2)
        Assert.Equal(2, secondStep!.Spec!.Replicas);
        Assert.Equal(4, promoted.Spec!.Replicas);
        Assert.Contains(promoted.Metadata.ManagedFields!, f => f.Manager == ModelDeploymentReconciler.HandOverFieldManager);
        Assert.Equal((2, 6), (hpa.Spec!.MinReplicas, hpa.Spec.MaxReplicas));
        // Every version of the new Deployment once it was asked for the stable's size: never back to 1 or to minReplicas.
        var sizes = deployments.Seen.Where(d => d.Metadata.Name == canary.Metadata.Name).Select(d => d.Spec?.Replicas).ToList();
        Assert.Equal([1, 2, 4], sizes.Distinct());
        Assert.All(sizes.SkipWhile(n => n != 4), n => Assert.Equal(4, n));
        Assert.True(traffic.Failed == 0, traffic.Describe());
    }

    /// <summary>The owned Deployment of a model version (by its version label), or null.</summary>
    /// <summary>
    /// Waits until <paramref name="version"/> is the Ready stable revision, only its pods are left, and it has answered
    /// 20 more requests since then; stops the traffic and returns the namespace's Events once a Promoted one is among them.
    /// </summary>
    private async Task<KubernetesList<Corev1Event>> PromotedAndServingAsync(string version, InferenceTraffic traffic)
    {
        await StatusAsync(m => m.Status?.StableVersion == version && m.Status.Canary is null && m.Status.Phase == ModelDeploymentPhase.Ready, $"version {version} promoted");
        await EventuallyAsync(async () => (await _client.ListAsync<V1Pod>(_ns)).Items.All(p => p.Metadata.Labels![ModelDeploymentLabels.Version] == version),
            $"only version {version} pods left");
        var served = traffic.Succeeded.GetValueOrDefault(version);
        await EventuallyAsync(() => traffic.Succeeded.GetValueOrDefault(version) >= served + 20, $"version {version} serving after the old pods are gone");
        await traffic.DisposeAsync();
        return await TestCluster.EventuallyAsync(() => _client.ListAsync<Corev1Event>(_ns), l => l.Items.Any(e => e.Reason == ReasonPromoted), "the Promoted Event", Within);
    }

    private async Task<V1Deployment?> DeploymentOfVersionAsync(string version) =>
        (await _client.ListAsync<V1Deployment>(_ns)).Items.SingleOrDefault(d => d.GetLabel(ModelDeploymentLabels.Version) == version);

    /// <summary>What kube's HPA does: spec.replicas through the scale subresource, under its own field manager.</summary>
    private async Task ScaleAsHpaAsync(string deployment, int replicas)
    {
        using var api = _emulator.CreateHttpClient(TimeSpan.FromSeconds(30));
        using var response = await api.PatchAsync(new Uri($"/apis/apps/v1/namespaces/{_ns}/deployments/{deployment}/scale?fieldManager=horizontal-pod-autoscaler", UriKind.Relative),
            new StringContent($"{{\"spec\":{{\"replicas\":{replicas}}}}}", Encoding.UTF8, "application/merge-patch+json"));
        Assert.True(response.IsSuccessStatusCode, $"scale {deployment} to {replicas}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static string KubeJsonText(object? value) => value is null ? "null" : Kube.Models.KubeJson.Serialize(value);
}
