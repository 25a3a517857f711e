using k8s.Models;
using MlOperator.Operator.Resources;

namespace MlOperator.Operator.UnitTests.Resources;

public class PodFailuresTests
{
    public static TheoryData<string, V1PodStatus, string?> Pods => new()
    {
        { "running and ready", new V1PodStatus { Phase = "Running", ContainerStatuses = [Running("inference")] }, null },
        { "still pulling", new V1PodStatus { Phase = "Pending", ContainerStatuses = [Waiting("inference", "ContainerCreating", "")] }, null },
        { "model still fetching", new V1PodStatus { Phase = "Pending", InitContainerStatuses = [Waiting("fetch-model", "PodInitializing", "")] }, null },
        {
            "crash loop with restarts and the last exit code",
            new V1PodStatus
            {
                Phase = "Running",
                ContainerStatuses = [Waiting("inference", "CrashLoopBackOff", "back-off 40s restarting failed container=inference", restarts: 4, lastExit: 137, lastReason: "OOMKilled")],
            },
            "container inference CrashLoopBackOff (restarts 4, last exit code 137 OOMKilled)"
        },
        {
            "image pull back-off keeps kubelet's message",
            new V1PodStatus { Phase = "Pending", ContainerStatuses = [Waiting("inference", "ImagePullBackOff", "Back-off pulling image \"ghcr.io/x/sidecar:nope\"")] },
            "container inference ImagePullBackOff: Back-off pulling image \"ghcr.io/x/sidecar:nope\""
        },
        {
            "image pull error",
            new V1PodStatus { Phase = "Pending", ContainerStatuses = [Waiting("inference", "ErrImagePull", "manifest unknown")] },
            "container inference ErrImagePull: manifest unknown"
        },
        {
            "missing secret",
            new V1PodStatus { Phase = "Pending", ContainerStatuses = [Waiting("inference", "CreateContainerConfigError", "secret \"creds\" not found")] },
            "container inference CreateContainerConfigError: secret \"creds\" not found"
        },
        {
            "invalid image name",
            new V1PodStatus { Phase = "Pending", ContainerStatuses = [Waiting("inference", "InvalidImageName", "couldn't parse image name \"UPPER\"")] },
            "container inference InvalidImageName: couldn't parse image name \"UPPER\""
        },
        {
            "model fetch exits non-zero",
            new V1PodStatus
            {
                Phase = "Pending",
                InitContainerStatuses = [new V1ContainerStatus { Name = "fetch-model", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 3, Reason = "Error", Message = "sha256 mismatch" } } }],
            },
            "init container fetch-model exited with code 3 (Error): sha256 mismatch"
        },
        {
            "model fetch crash-looping",
            new V1PodStatus { Phase = "Pending", InitContainerStatuses = [Waiting("fetch-model", "CrashLoopBackOff", "back-off", restarts: 2, lastExit: 1, lastReason: "Error")] },
            "init container fetch-model CrashLoopBackOff (restarts 2, last exit code 1 Error)"
        },
        {
            "a finished init container is fine",
            new V1PodStatus
            {
                Phase = "Running",
                InitContainerStatuses = [new V1ContainerStatus { Name = "fetch-model", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } }],
                ContainerStatuses = [Running("inference")],
            },
            null
        },
        {
            "unschedulable",
            new V1PodStatus
            {
                Phase = "Pending",
                Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/3 nodes are available: 3 Insufficient nvidia.com/gpu." }],
            },
            "Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu."
        },
        {
            "evicted",
            new V1PodStatus { Phase = "Failed", Reason = "Evicted", Message = "The node was low on resource: memory." },
            "Failed Evicted: The node was low on resource: memory."
        },
    };

    [Theory]
    [MemberData(nameof(Pods))]
    public void Names_the_pod_and_its_reason(string because, V1PodStatus status, string? expected)
    {
        var message = PodFailures.Describe([Pod("md-abc-1", status)], null);

        Assert.True((expected is null ? null : "pod md-abc-1: " + expected) == message, $"{because}: {message}");
    }

    public static TheoryData<string, V1DeploymentCondition[], string?> Deployments => new()
    {
        { "available", [new V1DeploymentCondition { Type = "Available", Status = "True" }, new V1DeploymentCondition { Type = "Progressing", Status = "True", Reason = "NewReplicaSetAvailable" }], null },
        {
            "quota refuses the pods",
            [
                new V1DeploymentCondition
                {
                    Type = "ReplicaFailure", Status = "True", Reason = "FailedCreate",
                    Message = "pods \"md-abc-x\" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=4, limited: requests.nvidia.com/gpu=4",
                },
            ],
            "deployment md-abc: ReplicaFailure FailedCreate: pods \"md-abc-x\" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=4, limited: requests.nvidia.com/gpu=4"
        },
        {
            "progress deadline exceeded",
            [new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "ReplicaSet \"md-abc-7d\" has timed out progressing." }],
            "deployment md-abc: ProgressDeadlineExceeded: ReplicaSet \"md-abc-7d\" has timed out progressing."
        },
        { "a cleared replica failure", [new V1DeploymentCondition { Type = "ReplicaFailure", Status = "False", Reason = "FailedCreate" }], null },
    };

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Names_the_deployment_failure(string because, V1DeploymentCondition[] conditions, string? expected)
    {
        var deployment = new V1Deployment { Metadata = new V1ObjectMeta { Name = "md-abc" }, Status = new V1DeploymentStatus { Conditions = conditions } };

        var message = PodFailures.Describe([], deployment);

        Assert.True(expected == message, $"{because}: {message}");
    }

    [Fact]
    public void Names_the_first_failing_pod_counts_the_others_then_the_deployment()
    {
        var crash = new V1PodStatus { ContainerStatuses = [Waiting("inference", "CrashLoopBackOff", "", restarts: 1)] };
        var pods = new[]
        {
            Pod("md-abc-3", crash),
            Pod("md-abc-2", new V1PodStatus { Phase = "Running", ContainerStatuses = [Running("inference")] }),
            Pod("md-abc-1", crash),
            Pod("md-abc-4", crash),
        };
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "md-abc" },
            Status = new V1DeploymentStatus { Conditions = [new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "timed out" }] },
        };

        Assert.Equal(
            "pod md-abc-1: container inference CrashLoopBackOff (restarts 1) (and 2 more failing pods); deployment md-abc: ProgressDeadlineExceeded: timed out",
            PodFailures.Describe(pods, deployment));
    }

    [Fact]
    public void Ignores_terminating_pods_and_shortens_long_messages()
    {
        var terminating = Pod("md-abc-1", new V1PodStatus { ContainerStatuses = [Waiting("inference", "CrashLoopBackOff", "")] });
        terminating.Metadata.DeletionTimestamp = DateTime.UtcNow;
        var longPull = Pod("md-abc-2", new V1PodStatus { ContainerStatuses = [Waiting("inference", "ErrImagePull", new string('x', 1000))] });

        var message = PodFailures.Describe([terminating, longPull], null)!;

        Assert.StartsWith("pod md-abc-2: container inference ErrImagePull: xxx", message);
        Assert.True(message.Length < 300, message);
        Assert.EndsWith("…", message);
    }

    private static V1Pod Pod(string name, V1PodStatus status) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns" }, Status = status };

    private static V1ContainerStatus Running(string name) =>
        new() { Name = name, Ready = true, State = new V1ContainerState { Running = new V1ContainerStateRunning() } };

    private static V1ContainerStatus Waiting(string name, string reason, string message, int restarts = 0, int? lastExit = null, string? lastReason = null) => new()
    {
        Name = name,
        RestartCount = restarts,
        State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } },
        LastState = lastExit is null ? null : new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = lastExit.Value, Reason = lastReason } },
    };
}
