using System.Text.Json.Nodes;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.IntegrationTests.Fixtures;
using MlOperator.Operator.Kube.Client;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Resources;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.IntegrationTests.ModelDeployment;

[Collection(ClusterCollection.Name)]
public sealed partial class ModelDeploymentReconcilerTests(TestCluster cluster) : IAsyncLifetime
{
    private string _ns = "";
    private OperatorRunner _operator = null!;
    private readonly ScriptedRevisionMetrics _metrics = new(TimeProvider.System);

    private IKubeClient Client => cluster.Client;

    public async Task InitializeAsync()
    {
        _ns = await cluster.CreateNamespaceAsync("md");
        _operator = await OperatorRunner.StartAsync(cluster, _ns, _metrics);
    }

    public async Task DisposeAsync() => await _operator.DisposeAsync();

    [Fact]
    public async Task Applied_sample_gets_a_revision_deployment_and_service_owned_by_it()
    {
        var md = await CreateSampleAsync("cpu-model");

        var deployment = await DeploymentOfAsync(md);
        var service = await TestCluster.EventuallyAsync(() => Client.TryGetAsync<V1Service>("iris-classifier", _ns), s => s is not null, "service");

        Assert.StartsWith("iris-classifier-", deployment.Metadata.Name);
        Assert.Equal(2, deployment.Spec!.Replicas);
        AssertControlledBy(md, deployment);
        AssertControlledBy(md, service!);
        var container = Assert.Single(deployment.Spec.Template!.Spec!.Containers!);
        Assert.Equal("250m", container.Resources!.Requests!["cpu"]);
        Assert.True(container.SecurityContext!.ReadOnlyRootFilesystem);
        Assert.Equal("mloperator", deployment.Metadata.Labels!["app.kubernetes.io/managed-by"]);
        Assert.Contains(deployment.Metadata.ManagedFields!, f => f.Manager == "mloperator" && f.Operation == "Apply");
    }

    [Fact]
    public async Task Available_deployment_makes_the_model_deployment_ready()
    {
        var md = await CreateSampleAsync("cpu-model");

        var ready = await ConditionAsync(md, Ready, True);

        Assert.Equal(ModelDeploymentPhase.Ready, ready.Status!.Phase);
        Assert.Equal(ready.Metadata.Generation, ready.Status.ObservedGeneration);
        Assert.Equal(2, ready.Status.ReadyReplicas);
        Assert.Equal("3", ready.Status.StableVersion);
        Assert.Equal($"http://iris-classifier.{_ns}.svc", ready.Status.Url);
        Assert.False(string.IsNullOrEmpty(ready.Status.Selector));
    }

    [Fact]
    public async Task A_converged_model_deployment_leaves_no_remembered_status_write_behind()
    {
        var md = await CreateSampleAsync("cpu-model");
        await ConditionAsync(md, Ready, True);

        // Read-your-writes keeps each status write until the cache shows a newer version; once it has, nothing of it
        // may stay (the status is already in the cache; a second copy per ModelDeployment would only cost memory).
        await TestCluster.EventuallyAsync(() => Task.FromResult(_operator.Reconciler.RememberedStatusWrites), n => n == 0, "no remembered status writes");
    }

    [Fact]
    public async Task Spec_edit_updates_the_children_and_observed_generation_follows()
    {
        var md = await CreateSampleAsync("cpu-model");
        var first = await DeploymentOfAsync(md);

        await Client.PatchAsync<Md>(md.Metadata.Name!, _ns, new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch));

        var scaled = await TestCluster.EventuallyAsync(() => Client.TryGetAsync<V1Deployment>(first.Metadata.Name!, _ns), d => d?.Spec?.Replicas == 3, "replicas 3");
        Assert.NotNull(scaled);
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns), m => m.Status?.ObservedGeneration == 2, "observedGeneration 2");
    }

    [EmulatorFact]
    public async Task A_new_model_version_comes_up_beside_the_stable_which_goes_only_once_the_new_pods_are_available()
    {
        var emulator = cluster.Emulator!; // drives pod readiness through the emulator's simulated kubelet

        var md = await CreateSampleAsync("cpu-model");
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        var v4 = RevisionDeploymentName(md, "4");
        emulator.Controllers.SetPodStates(_ns, v4, ready: 0, unready: 2);

        await PatchVersionAsync(md, "4");

        var progressing = await ConditionAsync(md, Progressing, True, ReasonNewRevision);
        Assert.Equal("3", progressing.Status!.StableVersion);
        Assert.Equal("4", progressing.Status.Canary!.Version);
        Assert.Equal(ModelDeploymentPhase.Progressing, progressing.Status.Phase);
        Assert.Contains(progressing.Status.Conditions!, c => c.Type == Ready && c.Status == True);
        await AssertStableUntouchedAsync(stable, alongside: v4);

        emulator.Controllers.SetPodStates(_ns, v4, ready: 2);

        var promoted = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.StableVersion == "4" && m.Status.Canary is null, "version 4 stable");
        Assert.EndsWith(promoted.Status!.StableRevision!, v4);
        await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns),
            l => l.Items.Count == 1 && l.Items[0].Metadata.Name == v4, "only the new revision's Deployment");
        await TestCluster.EventuallyAsync(() => Client.ListAsync<Corev1Event>(_ns),
            l => l.Items.Count(e => e.Reason == ReasonPromoted && e.Type == "Normal") == 1, "one Promoted event");
    }

    [EmulatorFact]
    public async Task A_new_revision_whose_pods_never_become_ready_leaves_the_stable_serving()
    {
        var emulator = cluster.Emulator!;

        var md = await CreateSampleAsync("cpu-model");
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        var v4 = RevisionDeploymentName(md, "4");
        emulator.Controllers.SetPodStates(_ns, v4, ready: 0, failing: 2);

        await PatchVersionAsync(md, "4");
        await ConditionAsync(md, Progressing, True, ReasonNewRevision);
        // The failing pods exist and the Deployment controller has reported them: nothing further will make them available.
        await TestCluster.EventuallyAsync(() => Client.GetAsync<V1Deployment>(v4, _ns),
            d => d.Status?.ObservedGeneration == d.Metadata.Generation && d.Status?.Replicas == 2 && (d.Status.AvailableReplicas ?? 0) == 0, "version 4 pods created, none available");
        await emulator.Controllers.SettleAsync();

        var after = await Client.GetAsync<Md>(md.Metadata.Name!, _ns);
        Assert.Equal("3", after.Status!.StableVersion);
        Assert.Equal(stable.Metadata.Name, ModelDeploymentNamesOf(after));
        Assert.Contains(after.Status.Conditions!, c => c.Type == Ready && c.Status == True);
        await AssertStableUntouchedAsync(stable, alongside: v4);
    }

    [EmulatorFact]
    public async Task A_new_revision_not_available_within_the_progress_deadline_is_rolled_back_and_not_retried()
    {
        var emulator = cluster.Emulator!;

        var sample = Sample("cpu-model");
        sample.Spec.Rollout!.ProgressDeadline = "2s";
        var md = await Client.CreateAsync(sample);
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        var v4 = RevisionDeploymentName(md, "4");
        emulator.Controllers.SetPodStates(_ns, v4, ready: 0, failing: 2);

        await PatchVersionAsync(md, "4");

        // No event arrives once the failing pods are reported: only the reconciler's own requeue ends the wait.
        var degraded = await ConditionAsync(md, Degraded, True, ReasonProgressDeadlineExceeded);
        Assert.Equal(ModelDeploymentPhase.Degraded, degraded.Status!.Phase);
        Assert.Null(degraded.Status.Canary);
        Assert.Equal("3", degraded.Status.StableVersion);
        Assert.EndsWith(degraded.Status.FailedRevision!, v4);
        Assert.Contains(degraded.Status.Conditions!, c => c.Type == Stalled && c.Status == True && c.Reason == ReasonProgressDeadlineExceeded);
        Assert.Contains(degraded.Status.Conditions!, c => c.Type == Ready && c.Status == True);
        var message = degraded.Status.Conditions!.Single(c => c.Type == Degraded).Message;
        Assert.StartsWith("model version 4 (revision ", message);
        Assert.EndsWith("pods available after 2s; version 3 keeps serving", message);

        await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns),
            l => l.Items.Count == 1 && l.Items[0].Metadata.Name == stable.Metadata.Name, "only the stable revision's Deployment");
        await emulator.Controllers.SettleAsync();
        var live = await Client.GetAsync<V1Deployment>(stable.Metadata.Name!, _ns);
        Assert.Equal(stable.Metadata.Uid, live.Metadata.Uid);
        Assert.Equal(stable.Metadata.Generation, live.Metadata.Generation);

        // Not retried while the spec still maps to the failed revision, and the Warning is recorded once.
        Assert.Null(await Client.TryGetAsync<V1Deployment>(v4, _ns));
        await TestCluster.EventuallyAsync(() => Client.ListAsync<Corev1Event>(_ns),
            l => l.Items.Count(e => e.Reason == ReasonProgressDeadlineExceeded && e.Type == "Warning") == 1, "one ProgressDeadlineExceeded warning");
        await emulator.Controllers.SettleAsync();
        var events = await Client.ListAsync<Corev1Event>(_ns);
        Assert.Single(events.Items, e => e.Reason == ReasonProgressDeadlineExceeded && e.Type == "Warning");
        Assert.Equal(ModelDeploymentPhase.Degraded, (await Client.GetAsync<Md>(md.Metadata.Name!, _ns)).Status!.Phase);
    }

    [EmulatorFact]
    public async Task A_second_change_while_a_revision_comes_up_supersedes_it_and_the_stable_stays()
    {
        var emulator = cluster.Emulator!;

        var md = await CreateSampleAsync("cpu-model");
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        var v4 = RevisionDeploymentName(md, "4");
        var v5 = RevisionDeploymentName(md, "5");
        emulator.Controllers.SetPodStates(_ns, v4, ready: 0, unready: 2);
        emulator.Controllers.SetPodStates(_ns, v5, ready: 0, unready: 2);

        await PatchVersionAsync(md, "4");
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns), m => m.Status?.Canary?.Version == "4", "canary 4");
        await PatchVersionAsync(md, "5");

        var superseded = await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns),
            l => l.Items.Select(d => d.Metadata.Name).Order(StringComparer.Ordinal).SequenceEqual(new[] { stable.Metadata.Name!, v5 }.Order(StringComparer.Ordinal)),
            "the stable and version 5 only");
        Assert.Equal(2, superseded.Items.Count);
        var status = await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns), m => m.Status?.Canary?.Version == "5", "canary 5");
        Assert.Equal("3", status.Status!.StableVersion);
        await AssertStableUntouchedAsync(stable, alongside: v5);

        emulator.Controllers.SetPodStates(_ns, v5, ready: 2);
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns), m => m.Status?.StableVersion == "5" && m.Status.Canary is null, "version 5 stable");
    }

    [EmulatorFact]
    public async Task Recreate_replaces_the_stable_at_once()
    {
        var emulator = cluster.Emulator!;

        var md = await CreateSampleAsync("cpu-model");
        await ConditionAsync(md, Ready, True);
        var stable = await DeploymentOfAsync(md);
        var v4 = RevisionDeploymentName(md, "4");
        emulator.Controllers.SetPodStates(_ns, v4, ready: 0, unready: 2);

        await Client.PatchAsync<Md>(md.Metadata.Name!, _ns, new V1Patch(
            """{"spec":{"model":{"version":"4","uri":"pvc://model-store/iris/4/model.onnx"},"rollout":{"strategy":"Recreate","steps":null,"analysis":null}}}""",
            V1Patch.PatchType.MergePatch));

        var deployments = await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns),
            l => l.Items.Count == 1 && l.Items[0].Metadata.Name == v4, "only the new revision's Deployment, not yet ready");
        Assert.Equal("4", deployments.Items[0].Metadata.Labels!["app.kubernetes.io/version"]);
        Assert.NotEqual(stable.Metadata.Name, v4);
        await TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns), m => m.Status?.StableVersion == "4" && m.Status.Canary is null, "version 4 stable at once");
    }

    [Fact]
    public async Task Deleted_child_is_recreated()
    {
        var md = await CreateSampleAsync("cpu-model");
        var service = await TestCluster.EventuallyAsync(() => Client.TryGetAsync<V1Service>("iris-classifier", _ns), s => s is not null, "service");

        await Client.DeleteAsync<V1Service>("iris-classifier", _ns);

        await TestCluster.EventuallyAsync(() => Client.TryGetAsync<V1Service>("iris-classifier", _ns),
            s => s is not null && s.Metadata.Uid != service!.Metadata.Uid, "service recreated");
    }

    [Fact]
    public async Task Edited_child_is_restored()
    {
        var md = await CreateSampleAsync("cpu-model");
        var deployment = await DeploymentOfAsync(md);
        var container = deployment.Spec!.Template!.Spec!.Containers![0];

        await Client.PatchAsync<V1Deployment>(deployment.Metadata.Name!, _ns, new V1Patch(
            """{"spec":{"template":{"spec":{"containers":[{"name":""" + "\"" + container.Name + "\"" + ""","image":"evil:latest"}]}}}}""", V1Patch.PatchType.StrategicMergePatch));

        await TestCluster.EventuallyAsync(() => Client.GetAsync<V1Deployment>(deployment.Metadata.Name!, _ns),
            d => d.Spec?.Template?.Spec?.Containers is [var only] && only.Image == container.Image, "image restored");
    }

    [Fact]
    public async Task Edited_autoscaler_is_restored()
    {
        // HPA status writes do not wake the owner (OperatorKinds.HpaEdited); a spec edit does.
        var sample = Sample("cpu-model");
        sample.Spec.Autoscaling = new AutoscalingSpec { MinReplicas = 1, MaxReplicas = 3 };
        var md = await Client.CreateAsync(sample);
        var hpa = await TestCluster.EventuallyAsync(() => Client.TryGetAsync<V2HorizontalPodAutoscaler>(ModelDeploymentNames.HorizontalPodAutoscaler(md), _ns), h => h is not null, "autoscaler");

        await Client.PatchAsync<V2HorizontalPodAutoscaler>(hpa!.Metadata.Name!, _ns, new V1Patch("""{"spec":{"maxReplicas":40}}""", V1Patch.PatchType.MergePatch));

        await TestCluster.EventuallyAsync(() => Client.GetAsync<V2HorizontalPodAutoscaler>(hpa.Metadata.Name!, _ns),
            h => h.Spec.MaxReplicas == 3 && h.Metadata.Generation > hpa.Metadata.Generation, "maxReplicas restored");
    }

    [Fact]
    public async Task Deleting_the_model_deployment_collects_its_children()
    {
        var md = await CreateSampleAsync("cpu-model");
        await DeploymentOfAsync(md);

        await Client.DeleteAsync<Md>(md.Metadata.Name!, _ns);

        await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns), l => l.Items.Count == 0, "deployments collected");
        await TestCluster.EventuallyAsync(() => Client.TryGetAsync<V1Service>("iris-classifier", _ns), s => s is null, "service collected");
    }

    [Fact]
    public async Task Invalid_spec_reports_InvalidSpec_and_creates_no_children()
    {
        var md = Sample("cpu-model");
        md.Spec.Autoscaling = new AutoscalingSpec { MinReplicas = 5, MaxReplicas = 2 };
        md = await Client.CreateAsync(md);

        var failed = await ConditionAsync(md, Ready, False, ReasonInvalidSpec);

        Assert.Equal(ModelDeploymentPhase.Failed, failed.Status!.Phase);
        Assert.Contains("maxReplicas", failed.Status.Conditions!.Single(c => c.Type == Ready).Message);
        Assert.Empty((await Client.ListAsync<V1Deployment>(_ns)).Items);
    }

    [Fact]
    public async Task Tight_quota_blocks_with_QuotaExceeded_then_clears_when_raised()
    {
        await Client.CreateAsync(new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "cpu-quota", NamespaceProperty = _ns },
            Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["requests.cpu"] = "300m" } },
        });
        await TestCluster.EventuallyAsync(() => Client.GetAsync<V1ResourceQuota>("cpu-quota", _ns), q => q.Status?.Hard is not null, "quota status");
        var md = await CreateSampleAsync("cpu-model"); // 2 × 250m

        var blocked = await ConditionAsync(md, QuotaExceeded, True);

        Assert.Contains("requests.cpu", blocked.Status!.Conditions!.Single(c => c.Type == QuotaExceeded).Message);
        Assert.Empty((await Client.ListAsync<V1Deployment>(_ns)).Items);

        await Client.PatchAsync<V1ResourceQuota>("cpu-quota", _ns, new V1Patch("""{"spec":{"hard":{"requests.cpu":"2"}}}""", V1Patch.PatchType.MergePatch));

        await ConditionAsync(md, QuotaExceeded, False);
        await DeploymentOfAsync(md);
    }

    [EmulatorFact]
    public async Task A_model_deployment_in_sync_causes_no_writes()
    {
        var md = await CreateSampleAsync("cpu-model");
        await ConditionAsync(md, Ready, True);
        var emulator = cluster.Emulator!; // write counting needs the emulator's request log

        // Quiet first: the Ready event and the simulated controllers' last status updates may still be in flight.
        await TestCluster.EventuallyAsync(async () =>
        {
            emulator.Faults.ResetCounts();
            await Task.Delay(500);
            return emulator.Faults.Writes();
        }, writes => writes == 0, "a quiet cluster");
        emulator.Faults.ResetCounts();
        // An annotation change wakes the reconciler without changing anything it owns.
        await Client.PatchAsync<Md>(md.Metadata.Name!, _ns, new V1Patch("""{"metadata":{"annotations":{"touched":"1"}}}""", V1Patch.PatchType.MergePatch));
        await Task.Delay(TimeSpan.FromSeconds(2)); // give the reconcile a chance to (wrongly) write; the assertion is on counts, not time

        var writes = emulator.Faults.Counts.Where(c => c.Key.Split(' ')[0] is "create" or "update" or "patch" or "delete");
        Assert.True(emulator.Faults.Writes() == 1, "only the test's own patch expected; writes: " + string.Join(", ", writes.Select(w => $"{w.Key}={w.Value}")));
    }

    /// <summary>
    /// A shipped sample in the test's namespace. Without <paramref name="steps"/> its weighted steps and analysis are
    /// removed: a new revision then comes up at full size beside the stable and is promoted once available (the
    /// path most tests here pin); weighted canaries are in ModelDeploymentReconcilerTests.Canary.cs.
    /// </summary>
    private Md Sample(string name, bool steps = false)
    {
        var md = KubeYaml.Deserialize<Md>(File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "samples", name + ".yaml")));
        md.Metadata.NamespaceProperty = _ns;
        if (!steps && md.Spec.Rollout is { } rollout)
        {
            rollout.Steps = null;
            rollout.Analysis = null;
        }

        return md;
    }

    private Task<Md> CreateSampleAsync(string name) => Client.CreateAsync(Sample(name));

    private Task<Md> PatchVersionAsync(Md md, string version)
    {
        var patch = new JsonObject { ["spec"] = new JsonObject { ["model"] = new JsonObject { ["version"] = version, ["uri"] = ModelUriOf(version) } } };
        return Client.PatchAsync<Md>(md.Metadata.Name!, _ns, new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch));
    }

    private static string ModelUriOf(string version) => $"pvc://model-store/iris/{version}/model.onnx";

    /// <summary>The Deployment name the operator gives the revision of <paramref name="md"/> at this model version (as PatchVersionAsync sets it).</summary>
    private static string RevisionDeploymentName(Md md, string version)
    {
        var changed = KubeJson.DeepCopy(md);
        changed.Spec.Model.Version = version;
        changed.Spec.Model.Uri = ModelUriOf(version);
        return ModelDeploymentNames.Deployment(changed, RevisionTemplate.From(changed.Spec).Hash());
    }

    private static string ModelDeploymentNamesOf(Md md) => ModelDeploymentNames.Deployment(md, md.Status!.StableRevision!);

    /// <summary>The stable revision's Deployment still exists with the spec it had (same uid and generation), beside the incoming one.</summary>
    private async Task AssertStableUntouchedAsync(V1Deployment stable, string alongside)
    {
        var live = await Client.GetAsync<V1Deployment>(stable.Metadata.Name!, _ns);
        Assert.Equal(stable.Metadata.Uid, live.Metadata.Uid);
        Assert.Equal(stable.Metadata.Generation, live.Metadata.Generation);
        Assert.Equal("3", live.Metadata.Labels!["app.kubernetes.io/version"]);
        Assert.NotNull(await Client.TryGetAsync<V1Deployment>(alongside, _ns));
    }

    private async Task<V1Deployment> DeploymentOfAsync(Md md)
    {
        var list = await TestCluster.EventuallyAsync(() => Client.ListAsync<V1Deployment>(_ns), l => l.Items.Count > 0, $"a Deployment for {md.Metadata.Name}");
        return Assert.Single(list.Items);
    }

    private Task<Md> ConditionAsync(Md md, string type, string status, string? reason = null) =>
        TestCluster.EventuallyAsync(() => Client.GetAsync<Md>(md.Metadata.Name!, _ns),
            m => m.Status?.Conditions?.Any(c => c.Type == type && c.Status == status && (reason is null || c.Reason == reason)) == true,
            $"{type}={status}{(reason is null ? "" : "/" + reason)}");

    private static void AssertControlledBy(Md md, IKubernetesObject<V1ObjectMeta> child)
    {
        var owner = Assert.Single(child.Metadata.OwnerReferences!);
        Assert.Equal(md.Metadata.Uid, owner.Uid);
        Assert.Equal("ModelDeployment", owner.Kind);
        Assert.True(owner.Controller);
        Assert.True(owner.BlockOwnerDeletion);
    }
}
