using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.IntegrationTests.Fixtures;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Rollout;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.IntegrationTests.ModelDeployment;

/// <summary>
/// Weighted canary steps on the emulator, its simulated kubelet making pods Ready and <see cref="ScriptedRevisionMetrics"/>
/// standing in for the sidecars' /metrics (real sidecars with real traffic are in the real-pod tests).
/// </summary>
public sealed partial class ModelDeploymentReconcilerTests
{
    [EmulatorFact]
    public async Task Weighted_steps_size_the_canary_by_weight_then_promote_it_at_full_size_and_retire_the_old_stable()
    {
        var md = await CreateCanarySampleAsync(replicas: 4, steps: """[{"weight":25,"pause":"1s"},{"weight":50,"pause":"1s"}]""", analysis: null);
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        var v4 = RevisionDeploymentName(md, "4");

        await PatchVersionAsync(md, "4");

        // Step 1: one canary pod of four (25 %), the stable untouched at 4.
        var first = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.Canary is { Step: 0, Weight: 25 }, "canary at step 1, weight 25");
        Assert.Equal(2, first.Status!.Canary!.Steps);
        Assert.Equal("3", first.Status.StableVersion);
        Assert.Contains(first.Status.Conditions!, c => c.Type == Reconciling && c.Status == True && c.Reason == ReasonCanaryInProgress);

        var promoted = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.StableVersion == "4" && m.Status.Canary is null && m.Status.Phase == ModelDeploymentPhase.Ready, "version 4 promoted and Ready");
        Assert.Contains(promoted.Status!.Conditions!, c => c.Type == Reconciling && c.Status == False);

        var live = await Client.GetAsync<V1Deployment>(v4, _ns);
        Assert.Equal(4, live.Spec!.Replicas);
        await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns),
            l => l.Items.Count == 1 && l.Items[0].Metadata.Name == v4, "the old stable scaled to zero and deleted");
        var events = await TestCluster.EventuallyAsync(() => Client.ListAsync<Corev1Event>(_ns),
            l => l.Items.Any(e => e.Reason == ReasonPromoted) && l.Items.Any(e => e.Reason == ReasonCanaryStep), "CanaryStep and Promoted events");
        Assert.Contains(events.Items, e => e.Reason == ReasonCanaryStep && e.Message!.Contains("step 2", StringComparison.Ordinal));
        Assert.Single(events.Items, e => e.Reason == ReasonPromoted && e.Type == "Normal" && e.Message == PromotedMessage("4"));
        Assert.NotEqual(stable.Metadata.Name, v4);
    }

    [EmulatorFact]
    public async Task A_canary_whose_error_rate_fails_the_analysis_is_rolled_back_and_kept_down_until_a_retry()
    {
        var md = await CreateCanarySampleAsync(replicas: 2, steps: """[{"weight":50,"pause":"1h"}]""",
            analysis: """{"interval":"1s","failureLimit":2,"minRequests":20,"maxErrorRate":0.05}""");
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        var v4 = RevisionDeploymentName(md, "4");
        _metrics.SetErrorRate(RevisionHashOf(v4), 0.2);

        await PatchVersionAsync(md, "4");

        var degraded = await ConditionAsync(md, Degraded, True, ReasonAnalysisFailed);
        Assert.Equal(ModelDeploymentPhase.Degraded, degraded.Status!.Phase);
        var message = degraded.Status.Conditions!.Single(c => c.Type == Degraded).Message;
        Assert.StartsWith("canary 4 rolled back to 3: error rate 0.2 exceeds limit 0.05", message);
        Assert.Contains(degraded.Status.Conditions!, c => c.Type == Stalled && c.Status == True && c.Reason == ReasonAnalysisFailed);
        Assert.Contains(degraded.Status.Conditions!, c => c.Type == Ready && c.Status == True);
        Assert.EndsWith(degraded.Status.FailedRevision!, v4);
        Assert.Null(degraded.Status.Canary);

        await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns),
            l => l.Items.Count == 1 && l.Items[0].Metadata.Name == stable.Metadata.Name, "only the stable");
        var live = await Client.GetAsync<V1Deployment>(stable.Metadata.Name!, _ns);
        Assert.Equal((stable.Metadata.Uid, stable.Metadata.Generation), (live.Metadata.Uid, live.Metadata.Generation));
        await TestCluster.EventuallyAsync(() => Client.ListAsync<Corev1Event>(_ns),
            l => l.Items.Count(e => e.Reason == ReasonAnalysisFailed && e.Type == "Warning") == 1, "one AnalysisFailed warning");

        // A retry token brings it back (now healthy) and it is promoted.
        _metrics.SetErrorRate(RevisionHashOf(v4), 0);
        await AnnotateAsync(md, RolloutRequests.RetryAnnotation, "r1");
        var retried = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.Canary?.Version == "4" || m.Status?.StableVersion == "4", "version 4 back as a canary");
        Assert.Equal("r1", retried.Status!.HandledActions!.Retry);
        await ConditionAsync(md, Degraded, False);
    }

    [EmulatorFact]
    public async Task A_healthy_canary_passes_its_checks_and_is_promoted()
    {
        var md = await CreateCanarySampleAsync(replicas: 2, steps: """[{"weight":50,"pause":"2s"}]""",
            analysis: """{"interval":"1s","failureLimit":1,"minRequests":20,"maxErrorRate":0.05,"maxLatencyRatioToStable":2}""");
        await ConditionAsync(md, Ready, True);
        var v4 = RevisionDeploymentName(md, "4");

        await PatchVersionAsync(md, "4");

        var promoted = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.StableVersion == "4" && m.Status.Canary is null, "version 4 promoted");
        Assert.DoesNotContain(promoted.Status!.Conditions!, c => c.Type == Degraded && c.Status == True);
        Assert.True(_metrics.Scrapes.GetValueOrDefault(RevisionHashOf(v4)) >= 2, "the canary was scraped for a baseline and at least one check");
    }

    [Fact]
    public async Task An_ignored_annotation_value_gets_one_warning_however_many_passes_see_it()
    {
        var md = await CreateCanarySampleAsync(replicas: 2, steps: """[{"weight":50,"pause":"1h"}]""", analysis: null);
        await ConditionAsync(md, Ready, True);

        await AnnotateAsync(md, RolloutRequests.PauseAnnotation, "maybe");
        await TestCluster.EventuallyAsync(() => Client.ListAsync<Corev1Event>(_ns),
            list => list.Items.Any(e => e.Reason == ReasonIgnoredAnnotation && e.Message.Contains("\"maybe\"")), "IgnoredAnnotation for maybe");
        // Two more passes that still see "maybe" (an unrelated annotation wakes each)…
        for (var i = 0; i < 2; i++)
        {
            var passes = _operator.Reconciler.Passes;
            await AnnotateAsync(md, "example.com/touched", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await TestCluster.EventuallyAsync(() => Task.FromResult(_operator.Reconciler.Passes), n => n > passes, "a pass after the touch");
        }

        // …then a new value: its Warning comes through the same recorder, after anything the passes before it sent.
        await AnnotateAsync(md, RolloutRequests.PauseAnnotation, "perhaps");
        var events = await TestCluster.EventuallyAsync(() => Client.ListAsync<Corev1Event>(_ns),
            list => list.Items.Any(e => e.Reason == ReasonIgnoredAnnotation && e.Message.Contains("\"perhaps\"")), "IgnoredAnnotation for perhaps");

        var maybe = Assert.Single(events.Items, e => e.Reason == ReasonIgnoredAnnotation && e.Message.Contains("\"maybe\""));
        Assert.Equal(1, maybe.Count ?? 1);
    }

    [EmulatorFact]
    public async Task Pause_holds_the_canary_and_promote_and_abort_tokens_act_once()
    {
        var md = await CreateCanarySampleAsync(replicas: 2, steps: """[{"weight":50,"pause":"1s"}]""", analysis: null);
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        await AnnotateAsync(md, RolloutRequests.PauseAnnotation, "true");

        await PatchVersionAsync(md, "4");

        // Held at its step well past its 1 s pause.
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.Canary is { Paused: true, StepStartedAt: not null } c && DateTimeOffset.UtcNow - c.StepStartedAt > TimeSpan.FromSeconds(3), "paused past the pause");
        Assert.Equal("3", (await Client.GetAsync<Md>(md.Metadata.Name!, _ns)).Status!.StableVersion);

        // Abort rolls it back…
        await AnnotateAsync(md, RolloutRequests.AbortAnnotation, "a1");
        var aborted = await ConditionAsync(md, Degraded, True, ReasonAborted);
        Assert.Equal("a1", aborted.Status!.HandledActions!.Abort);
        Assert.Contains("aborted by annotation serving.mloperator.io/abort=a1", aborted.Status.Conditions!.Single(c => c.Type == Degraded).Message);

        // …a retry brings it back, still paused; promote skips the pause.
        await AnnotateAsync(md, RolloutRequests.RetryAnnotation, "r1");
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns), m => m.Status?.Canary?.Paused == true, "canary back, paused");
        await AnnotateAsync(md, RolloutRequests.PromoteAnnotation, "p1");
        var promoted = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.StableVersion == "4" && m.Status.Canary is null, "promoted on request");
        Assert.Equal(("a1", "r1", "p1"), (promoted.Status!.HandledActions!.Abort, promoted.Status.HandledActions.Retry, promoted.Status.HandledActions.Promote));

        // The operator never wrote the ModelDeployment's spec or metadata (a GitOps tool sees no drift): the generation
        // counts the test's two spec writes only, and the annotations are exactly the test's.
        var final = await Client.GetAsync<Md>(md.Metadata.Name!, _ns);
        Assert.Equal(2, final.Metadata.Generation);
        Assert.Equal(
            new[] { RolloutRequests.AbortAnnotation, RolloutRequests.PauseAnnotation, RolloutRequests.PromoteAnnotation, RolloutRequests.RetryAnnotation },
            final.Metadata.Annotations!.Keys.Order(StringComparer.Ordinal));
        Assert.NotEqual(stable.Metadata.Name, RevisionDeploymentName(md, "4"));
    }

    [EmulatorFact]
    public async Task With_an_hpa_the_promoted_revision_keeps_the_stables_scaled_size()
    {
        var sample = Sample("cpu-model", steps: true);
        sample.Spec.Replicas = null;
        sample.Spec.Autoscaling = new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 10 };
        sample.Spec.Rollout!.Steps = [new RolloutStep { Weight = 50, Pause = "1s" }];
        sample.Spec.Rollout.Analysis = null;
        var md = await Client.CreateAsync(sample);
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);

        // The HPA scaled the stable to 5 (as kube's HPA does: through the scale subresource).
        await Client.PatchAsync<V1Deployment>(stable.Metadata.Name!, _ns, new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch));
        await TestCluster.EventuallyAsync(() => Client.GetAsync<V1Deployment>(stable.Metadata.Name!, _ns), d => d.Status?.ReadyReplicas == 5, "stable at 5");
        var v4 = RevisionDeploymentName(md, "4");

        await PatchVersionAsync(md, "4");

        // Step 1 runs ceil(50 % of 5) = 3 canary pods; promotion grows it to 5 first.
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns), m => m.Status?.Canary is { Weight: 50 }, "step 1");
        Assert.Equal(3, (await Client.GetAsync<V1Deployment>(v4, _ns)).Spec!.Replicas);
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns), m => m.Status?.StableVersion == "4", "promoted");

        var hpa = await TestCluster.EventuallyAsync(() => Client.GetAsync<V2HorizontalPodAutoscaler>(md.Metadata.Name!, _ns),
            h => h.Spec?.ScaleTargetRef?.Name == v4, "the HPA scales the new stable");
        Assert.Equal(v4, hpa.Spec!.ScaleTargetRef!.Name);
        var live = await TestCluster.EventuallyAsync(() => Client.GetAsync<V1Deployment>(v4, _ns),
            d => d.Metadata.ManagedFields!.Any(f => f.Manager == ModelDeploymentReconciler.HandOverFieldManager), "replicas handed over");
        Assert.Equal(5, live.Spec!.Replicas); // never reset to 1 or to minReplicas // never reset to 1 or to minReplicas
        await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns), l => l.Items.Count == 1, "old stable gone");
        Assert.Equal(5, (await Client.GetAsync<V1Deployment>(v4, _ns)).Spec!.Replicas);
    }

    [EmulatorFact]
    public async Task Under_a_quota_with_no_room_for_canary_pods_the_stable_shrinks_by_the_canarys_size_never_below_one()
    {
        var md = await CreateCanarySampleAsync(replicas: 3, steps: """[{"weight":30,"pause":"1s"}]""", analysis: null); // 3 × 250m
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        await Client.CreateAsync(new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "cpu-quota", NamespaceProperty = _ns },
            Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["requests.cpu"] = "750m" } }, // exactly the stable
        });
        await TestCluster.EventuallyAsync(() => Client.GetAsync<V1ResourceQuota>("cpu-quota", _ns), q => q.Status?.Used?.ContainsKey("requests.cpu") == true, "quota used");
        var v4 = RevisionDeploymentName(md, "4");
        await PatchVersionAsync(md, "4");

        var planned = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.Canary?.StableReplicas == 2, "no-surge plan: stable 3 → 2");
        Assert.Contains(planned.Status!.Conditions!, c => c.Type == QuotaExceeded && c.Status == False && c.Reason == ReasonNoSurgePlan
            && c.Message.Contains("stable shrinks from 3 to 2", StringComparison.Ordinal));
        Assert.Equal(2, (await Client.GetAsync<V1Deployment>(stable.Metadata.Name!, _ns)).Spec!.Replicas);

        // The canary pod is admitted once a stable pod is gone; promotion swaps the revisions within the quota.
        var promoted = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.StableVersion == "4" && m.Status.Phase == ModelDeploymentPhase.Ready, "version 4 promoted and Ready under the quota");
        Assert.Null(promoted.Status!.Canary);
        Assert.Equal(3, (await Client.GetAsync<V1Deployment>(v4, _ns)).Spec!.Replicas);
        await TestCluster.EventuallyAsync(() => Client.ListAsync<Corev1Event>(_ns),
            l => l.Items.Any(e => e.Reason == ReasonNoSurgePlan), "a NoSurgePlan event");
    }

    [EmulatorFact]
    public async Task NginxIngress_routing_splits_by_a_canary_Ingress_then_moves_the_Service_to_the_promoted_revision()
    {
        var sample = Sample("cpu-model", steps: true);
        sample.Spec.Replicas = 4;
        sample.Spec.Rollout!.TrafficRouting = RolloutSpec.NginxIngress;
        sample.Spec.Rollout.Steps = [new RolloutStep { Weight = 25, Pause = "1s" }];
        sample.Spec.Rollout.Analysis = null;
        sample.Spec.Ingress = new ModelIngressSpec { Host = "cpu.example.com", ClassName = "nginx" };
        var md = await Client.CreateAsync(sample);
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        var stableHash = stable.Metadata.Labels![ModelDeploymentLabels.Revision];
        var v4 = RevisionDeploymentName(md, "4");
        var canaryName = md.Metadata.Name + "-canary";
        await AnnotateAsync(md, RolloutRequests.PauseAnnotation, "true"); // hold step 1 once its pods are Ready

        await PatchVersionAsync(md, "4");

        // Step 1 (held): ceil(25 % of 4) = 1 canary pod, 25 % of the Ingress traffic to it, the Service on the stable only.
        var canaryIngress = await TestCluster.EventuallyAsync<V1Ingress?>(() => Client.TryGetAsync<V1Ingress>(canaryName, _ns),
            i => i?.Metadata.Annotations is { } a && a.TryGetValue(NginxCanary.WeightAnnotation, out var w) && w == "25", "canary Ingress at weight 25");
        // Paused is reported from the first pass (pods not Ready yet, weight 0); the status of the pass that set the
        // Ingress's weight is written just after the Ingress, so wait for that one.
        var held = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.Canary is { Paused: true, Weight: 25 }, "held at step 1, weight 25");
        Assert.Equal(held.Status!.Canary!.Weight?.ToString(System.Globalization.CultureInfo.InvariantCulture), canaryIngress!.Metadata.Annotations![NginxCanary.WeightAnnotation]);
        Assert.Equal("true", canaryIngress.Metadata.Annotations[NginxCanary.CanaryAnnotation]);
        Assert.Equal(1, (await Client.GetAsync<V1Deployment>(v4, _ns)).Spec!.Replicas);

        var mainIngress = await Client.GetAsync<V1Ingress>(md.Metadata.Name!, _ns);
        Assert.Equal(("cpu.example.com", "nginx"), (canaryIngress.Spec!.Rules!.Single().Host, canaryIngress.Spec.IngressClassName));
        Assert.Equal(mainIngress.Spec!.Rules!.Single().Http!.Paths!.Single().Path, canaryIngress.Spec.Rules!.Single().Http!.Paths!.Single().Path);
        Assert.Equal(canaryName, canaryIngress.Spec.Rules!.Single().Http!.Paths!.Single().Backend!.Service!.Name);
        Assert.Equal(md.Metadata.Name, mainIngress.Spec.Rules!.Single().Http!.Paths!.Single().Backend!.Service!.Name);
        Assert.Equal(stableHash, (await Client.GetAsync<V1Service>(md.Metadata.Name!, _ns)).Spec!.Selector![ModelDeploymentLabels.Revision]);
        Assert.Equal(RevisionHashOf(v4), (await Client.GetAsync<V1Service>(canaryName, _ns)).Spec!.Selector![ModelDeploymentLabels.Revision]);

        // Promotion: the Service moves to version 4 and the canary Service and Ingress are deleted.
        await AnnotateAsync(md, RolloutRequests.PromoteAnnotation, "p1");
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.StableVersion == "4" && m.Status.Canary is null, "version 4 promoted");
        await TestCluster.EventuallyAsync<V1Ingress?>(() => Client.TryGetAsync<V1Ingress>(canaryName, _ns), i => i is null, "canary Ingress deleted");
        await TestCluster.EventuallyAsync<V1Service?>(() => Client.TryGetAsync<V1Service>(canaryName, _ns), s => s is null, "canary Service deleted");
        var service = await Client.GetAsync<V1Service>(md.Metadata.Name!, _ns);
        Assert.Equal(RevisionHashOf(v4), service.Spec!.Selector![ModelDeploymentLabels.Revision]);
        Assert.NotNull(await Client.TryGetAsync<V1Ingress>(md.Metadata.Name!, _ns));
        await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns),
            l => l.Items.Count == 1 && l.Items[0].Metadata.Name == v4, "the old stable scaled to zero and deleted");
    }

    /// <summary>The cpu-model sample with its own replicas, steps and analysis (JSON, null for none).</summary>
    private Task<Md> CreateCanarySampleAsync(int replicas, string steps, string? analysis)
    {
        var md = Sample("cpu-model", steps: true);
        md.Spec.Replicas = replicas;
        md.Spec.Rollout!.Steps = [.. JsonNode.Parse(steps)!.AsArray().Select(s => new RolloutStep { Weight = (int)s!["weight"]!, Pause = (string)s["pause"]! })];
        md.Spec.Rollout.Analysis = analysis is null ? null : KubeJsonNode<AnalysisSpec>(analysis);
        return Client.CreateAsync(md);
    }

    private static T KubeJsonNode<T>(string json) => System.Text.Json.JsonSerializer.Deserialize<T>(json, MlOperator.Operator.Kube.Models.KubeJson.Options)!;

    private Task<Md> AnnotateAsync(Md md, string key, string value)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [key] = value } } };
        return Client.PatchAsync<Md>(md.Metadata.Name!, _ns, new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch));
    }

    private static string RevisionHashOf(string deploymentName) => deploymentName[(deploymentName.LastIndexOf('-') + 1)..];
}
