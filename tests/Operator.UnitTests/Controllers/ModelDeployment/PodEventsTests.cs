using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Controller;
using MlOperator.Operator.UnitTests.Fakes;
using MlOperator.Operator.UnitTests.Fixtures;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.UnitTests.Controllers.ModelDeployment;

public class PodEventsTests
{
    public static TheoryData<string, Action<V1Pod>, bool> Changes => new()
    {
        { "a resync delivers the same pod", _ => { }, false },
        { "kubelet heartbeat: new resourceVersion and probe times", p => { p.Metadata.ResourceVersion = "2"; p.Status.Conditions[0].LastProbeTime = DateTime.UtcNow; }, false },
        { "an annotation", p => p.Metadata.Annotations = new Dictionary<string, string> { ["x"] = "y" }, false },
        { "readiness", p => p.Status.Conditions[0].Status = "False", true },
        { "phase", p => p.Status.Phase = "Failed", true },
        { "a restart", p => p.Status.ContainerStatuses[0].RestartCount = 1, true },
        { "container waiting reason", p => p.Status.ContainerStatuses[0].State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } }, true },
        { "init container failing", p => p.Status.InitContainerStatuses = [new V1ContainerStatus { Name = "fetch", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1 } } }], true },
        { "pod IP", p => p.Status.PodIP = "10.0.0.9", true },
        { "unschedulable", p => p.Status.Conditions.Add(new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable" }), true },
        { "terminating", p => p.Metadata.DeletionTimestamp = DateTime.UtcNow, true },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Wakes_on_state_the_reconciler_reads_not_on_heartbeats(string change, Action<V1Pod> mutate, bool wakes)
    {
        var before = Pod("fraud");
        var after = Pod("fraud");
        mutate(after);

        Assert.True(PodEvents.StateChanged.Update!(before, after) == wakes, change);
    }

    [Fact]
    public void A_pod_created_with_nothing_to_act_on_does_not_wake_its_owner_a_pod_first_seen_with_state_does_and_deletes_always_do()
    {
        var created = Pod("fraud");
        created.Status = new V1PodStatus { Phase = "Pending", QosClass = "Burstable" }; // what the API server returns for a create
        var noStatus = Pod("fraud");
        noStatus.Status = null;
        var crashLooping = Pod("fraud"); // first seen by a relist, already failing
        crashLooping.Status = new V1PodStatus { Phase = "Running", ContainerStatuses = [new V1ContainerStatus { Name = "inference", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } } }] };
        var unschedulable = Pod("fraud");
        unschedulable.Status = new V1PodStatus { Phase = "Pending", Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable" }] };
        var deleting = Pod("fraud");
        deleting.Status = new V1PodStatus { Phase = "Pending" };
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;

        Assert.Equal([false, false, true, true, true, true],
            new[] { created, noStatus, crashLooping, unschedulable, deleting, Pod("fraud") }.Select(p => PodEvents.StateChanged.Create!(p)));
        Assert.Null(PodEvents.StateChanged.Delete);
    }

    [Fact]
    public void Maps_a_pod_to_its_model_deployment_by_label()
    {
        var informer = new Informer<Md>(new FakeKubeClient(), new InformerOptions(), TimeProvider.System, NullLogger.Instance);

        Assert.Equal([new ReconcileRequest("risk", "fraud")], PodEvents.Owner(Pod("fraud"), informer));
        var stray = Pod("fraud");
        stray.Metadata.Labels.Remove(ModelDeploymentLabels.ModelDeploymentLabel);
        Assert.Empty(PodEvents.Owner(stray, informer));
    }

    [Fact]
    public async Task Maps_a_shortened_label_back_to_the_long_named_model_deployment()
    {
        var client = new FakeKubeClient();
        var longName = new string('m', 80);
        var md = ModelDeploymentFixtures.Valid();
        md.Metadata.Name = longName;
        md.Metadata.NamespaceProperty = "risk";
        client.Seed(md);
        var informer = new Informer<Md>(client, new InformerOptions(), TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Bound);

        var requests = PodEvents.Owner(Pod(ModelDeploymentLabels.LabelValue(longName)), informer).ToList();

        Assert.Equal([new ReconcileRequest("risk", longName)], requests);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void The_pod_cache_keeps_what_wake_ups_failures_and_scraping_read_and_drops_the_rest_of_the_spec()
    {
        var pod = Pod("fraud");
        pod.Spec = new V1PodSpec
        {
            NodeName = "node-1",
            InitContainers = [new V1Container { Name = "fetch", Image = "sidecar", Args = ["fetch", "s3://b/k"] }],
            Containers =
            [
                new V1Container
                {
                    Name = "inference",
                    Image = "sidecar",
                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }],
                    Env = [new V1EnvVar { Name = "MLOP_MAX_BATCH_SIZE", Value = "8" }],
                    ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/v2/health/ready", Port = 8080 } },
                },
            ],
            Volumes = [new V1Volume { Name = "model", EmptyDir = new V1EmptyDirVolumeSource() }],
        };
        pod.Status.InitContainerStatuses = [new V1ContainerStatus { Name = "fetch", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0 } } }];

        var trimmed = PodEvents.Trim(pod);

        Assert.Equal(PodEvents.State(pod), PodEvents.State(trimmed));
        Assert.Same(pod.Metadata, trimmed.Metadata);
        Assert.Same(pod.Status, trimmed.Status);
        Assert.Equal("node-1", trimmed.Spec.NodeName);
        var container = Assert.Single(trimmed.Spec.Containers);
        Assert.Equal("inference", container.Name);
        Assert.Equal(8080, Assert.Single(container.Ports).ContainerPort);
        Assert.Null(container.Env);
        Assert.Null(container.ReadinessProbe);
        Assert.Null(container.Image);
        Assert.Null(trimmed.Spec.InitContainers);
        Assert.Null(trimmed.Spec.Volumes);
    }

    [Fact]
    public void The_selector_is_the_managed_by_label_every_pod_carries() =>
        Assert.True(LabelSelectorExpression.Parse(PodEvents.Selector).Matches(Pod("fraud").Metadata.Labels));

    private static V1Pod Pod(string modelDeploymentLabel) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "fraud-abc-1",
            NamespaceProperty = "risk",
            ResourceVersion = "1",
            Labels = new Dictionary<string, string>
            {
                [ModelDeploymentLabels.ManagedBy] = ModelDeploymentLabels.ManagedByValue,
                [ModelDeploymentLabels.ModelDeploymentLabel] = modelDeploymentLabel,
                [ModelDeploymentLabels.Revision] = "abc",
            },
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = "10.0.0.1",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            ContainerStatuses = [new V1ContainerStatus { Name = "inference", Ready = true, RestartCount = 0, State = new V1ContainerState { Running = new V1ContainerStateRunning() } }],
        },
    };
}
