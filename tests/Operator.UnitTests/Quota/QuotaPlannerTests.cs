using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Quota;
using MlOperator.Operator.Resources;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Quota;

public class QuotaPlannerTests
{
    private static V1PodSpec Pod(string cpu = "1", string memory = "1Gi", string? gpu = null, string? cpuLimit = null, string? priorityClass = null) => new()
    {
        PriorityClassName = priorityClass,
        Containers =
        [
            new V1Container
            {
                Name = "inference",
                Resources = new V1ResourceRequirements
                {
                    Requests = gpu is null
                        ? new Dictionary<string, ResourceQuantity> { ["cpu"] = cpu, ["memory"] = memory }
                        : new Dictionary<string, ResourceQuantity> { ["cpu"] = cpu, ["memory"] = memory, ["nvidia.com/gpu"] = gpu },
                    Limits = ResourceQuantities.Map(Limits(memory, gpu, cpuLimit)),
                },
            },
        ],
    };

    private static Dictionary<string, string> Limits(string memory, string? gpu, string? cpu)
    {
        var limits = new Dictionary<string, string> { ["memory"] = memory };
        if (gpu is not null)
        {
            limits["nvidia.com/gpu"] = gpu;
        }

        if (cpu is not null)
        {
            limits["cpu"] = cpu;
        }

        return limits;
    }

    private static V1ResourceQuota Quota(string name, Dictionary<string, string> hard, Dictionary<string, string>? used = null,
        List<string>? scopes = null, V1ScopeSelector? selector = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "risk" },
        Spec = new V1ResourceQuotaSpec { Hard = ResourceQuantities.Map(hard), Scopes = scopes, ScopeSelector = selector },
        Status = used is null ? null : new V1ResourceQuotaStatus { Hard = ResourceQuantities.Map(hard), Used = ResourceQuantities.Map(used) },
    };

    [Fact]
    public void Reports_the_resource_and_the_numbers_that_do_not_fit()
    {
        var quota = Quota("gpu-quota", new() { ["requests.nvidia.com/gpu"] = "4" }, new() { ["requests.nvidia.com/gpu"] = "3" });

        var check = QuotaPlanner.Check(QuotaDemand.ForPods(Pod(gpu: "1"), 2), [quota]);

        Assert.False(check.Fits);
        Assert.Equal("requests.nvidia.com/gpu: need 2, 1 available (quota \"gpu-quota\": hard 4, used 3)", Assert.Single(check.Shortfalls).Message);
        Assert.Equal(check.Shortfalls[0].Message, check.Message);
    }

    public static TheoryData<string, V1PodSpec, int, Dictionary<string, string>, Dictionary<string, string>?, string?> Cases => new()
    {
        // scenario, pod, count, hard, used (null: no status yet), expected shortfall resource (null: fits)
        { "gpu fits", Pod(gpu: "1"), 2, new() { ["requests.nvidia.com/gpu"] = "4" }, new() { ["requests.nvidia.com/gpu"] = "2" }, null },
        { "cpu in millicores", Pod(cpu: "750m"), 2, new() { ["requests.cpu"] = "2" }, new() { ["requests.cpu"] = "600m" }, "requests.cpu" },
        { "bare cpu key counts requests", Pod(cpu: "1"), 3, new() { ["cpu"] = "2" }, new() { ["cpu"] = "0" }, "cpu" },
        { "memory binary units", Pod(memory: "3Gi"), 2, new() { ["requests.memory"] = "6Gi" }, new() { ["requests.memory"] = "1Mi" }, "requests.memory" },
        { "limits memory", Pod(memory: "2Gi"), 2, new() { ["limits.memory"] = "5Gi" }, new() { ["limits.memory"] = "2Gi" }, "limits.memory" },
        { "pod count", Pod(), 3, new() { ["pods"] = "10" }, new() { ["pods"] = "8" }, "pods" },
        { "count/pods", Pod(), 3, new() { ["count/pods"] = "10" }, new() { ["count/pods"] = "7" }, null },
        { "no status yet uses spec.hard", Pod(gpu: "1"), 5, new() { ["requests.nvidia.com/gpu"] = "4" }, null, "requests.nvidia.com/gpu" },
        { "keys pods do not charge are ignored", Pod(), 100, new() { ["services"] = "1", ["count/deployments.apps"] = "1" }, new() { ["services"] = "1" }, null },
        { "exact fit", Pod(gpu: "2"), 2, new() { ["requests.nvidia.com/gpu"] = "4" }, new() { ["requests.nvidia.com/gpu"] = "0" }, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Checks_demand_against_hard_minus_used(string scenario, V1PodSpec pod, int count, Dictionary<string, string> hard, Dictionary<string, string>? used, string? shortfall)
    {
        var check = QuotaPlanner.Check(QuotaDemand.ForPods(pod, count), [Quota("q", hard, used)]);

        Assert.True(shortfall == check.Shortfalls.SingleOrDefault()?.Resource, $"{scenario}: {check.Message}");
    }

    public static TheoryData<string, List<string>?, V1ScopeSelector?, V1PodSpec, bool> Scopes => new()
    {
        // scenario, scopes, scopeSelector, pod, quota applies
        { "NotTerminating applies", ["NotTerminating"], null, Pod(), true },
        { "Terminating does not", ["Terminating"], null, Pod(), false },
        { "BestEffort does not (we set requests)", ["BestEffort"], null, Pod(), false },
        { "NotBestEffort applies", ["NotBestEffort"], null, Pod(), true },
        { "PriorityClass In other class", null, new() { MatchExpressions = [new() { ScopeName = "PriorityClass", OperatorProperty = "In", Values = ["high"] }] }, Pod(), false },
        { "PriorityClass In our class", null, new() { MatchExpressions = [new() { ScopeName = "PriorityClass", OperatorProperty = "In", Values = ["high"] }] }, Pod(priorityClass: "high"), true },
        { "PriorityClass NotIn", null, new() { MatchExpressions = [new() { ScopeName = "PriorityClass", OperatorProperty = "NotIn", Values = ["high"] }] }, Pod(), true },
        { "PriorityClass Exists without class", null, new() { MatchExpressions = [new() { ScopeName = "PriorityClass", OperatorProperty = "Exists" }] }, Pod(), false },
        { "CrossNamespacePodAffinity never", ["CrossNamespacePodAffinity"], null, Pod(), false },
    };

    [Theory]
    [MemberData(nameof(Scopes))]
    public void Honours_quota_scopes(string scenario, List<string>? scopes, V1ScopeSelector? selector, V1PodSpec pod, bool applies)
    {
        var quota = Quota("scoped", new() { ["pods"] = "0" }, new() { ["pods"] = "0" }, scopes, selector);

        var check = QuotaPlanner.Check(QuotaDemand.ForPods(pod, 1), [quota]);

        Assert.True(applies == !check.Fits, scenario);
        Assert.Empty(check.Skipped);
    }

    [Fact]
    public void Skips_unknown_scopes_and_says_so()
    {
        var quota = Quota("pvc-class", new() { ["pods"] = "0" }, new() { ["pods"] = "0" }, ["VolumeAttributesClass"]);

        var check = QuotaPlanner.Check(QuotaDemand.ForPods(Pod(), 1), [quota]);

        Assert.True(check.Fits);
        Assert.Contains("quota \"pvc-class\": scope VolumeAttributesClass", Assert.Single(check.Skipped));
    }

    [Fact]
    public void Lists_every_quota_and_resource_that_does_not_fit()
    {
        var quotas = new[]
        {
            Quota("compute", new() { ["requests.cpu"] = "1", ["requests.memory"] = "1Gi" }, new() { ["requests.cpu"] = "0", ["requests.memory"] = "0" }),
            Quota("gpu-quota", new() { ["requests.nvidia.com/gpu"] = "1" }, new() { ["requests.nvidia.com/gpu"] = "1" }),
        };

        var check = QuotaPlanner.Check(QuotaDemand.ForPods(Pod(gpu: "1"), 2), quotas);

        Assert.Equal(["compute/requests.cpu", "compute/requests.memory", "gpu-quota/requests.nvidia.com/gpu"],
            check.Shortfalls.Select(s => $"{s.Quota}/{s.Resource}"));
        Assert.Contains("requests.memory: need 2Gi, 1Gi available", check.Message);
    }

    [Fact]
    public void Pod_charge_takes_the_larger_of_containers_and_init_containers_and_defaults_requests_to_limits()
    {
        var pod = new V1PodSpec
        {
            Containers =
            [
                new V1Container { Name = "a", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = "500m" } } },
                new V1Container { Name = "b", Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = "250m", ["memory"] = "128Mi" } } },
            ],
            InitContainers = [new V1Container { Name = "init", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = "100m", ["memory"] = "1Gi" } } }],
        };

        var demand = QuotaDemand.ForPods(pod, 2);

        Assert.Equal(1.5m, demand.Amounts["requests.cpu"]);
        Assert.Equal(2m * 1024 * 1024 * 1024, demand.Amounts["requests.memory"]);
        Assert.Equal(2m, demand.Amounts["pods"]);
    }

    [Fact]
    public void Warns_when_a_quota_constrains_a_field_the_pods_leave_unset()
    {
        var quota = Quota("limits", new() { ["limits.cpu"] = "100" }, new() { ["limits.cpu"] = "0" });

        var check = QuotaPlanner.Check(QuotaDemand.ForPods(Pod(), 1), [quota]);

        Assert.True(check.Fits);
        Assert.Contains("limits.cpu", Assert.Single(check.Warnings));
    }

    [Fact]
    public void Sample_gpu_model_against_sample_quota()
    {
        var md = Samples.Load("gpu-model");
        var quota = Samples.LoadQuota("gpu-resourcequota");
        quota.Status = new V1ResourceQuotaStatus { Hard = quota.Spec!.Hard, Used = new Dictionary<string, ResourceQuantity> { ["requests.nvidia.com/gpu"] = "3", ["requests.cpu"] = "6", ["requests.memory"] = "12Gi", ["pods"] = "3" } };
        var pod = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default).StableDeployment.Spec!.Template!.Spec!;

        var check = QuotaPlanner.Check(QuotaDemand.ForPods(pod, md.Spec.Replicas!.Value), [quota]);

        Assert.Equal("requests.nvidia.com/gpu: need 2, 1 available (quota \"gpu-quota\": hard 4, used 3)", check.Message);
    }

    public static TheoryData<string, int, int, int, string, CanaryCapacityMode, int> CanaryPlans => new()
    {
        // scenario, stable replicas, canary replicas, minReplicas, gpus used of 4, mode, stable replicas after
        { "room to surge", 2, 1, 1, "2", CanaryCapacityMode.Surge, 2 },
        { "no room: shrink stable", 4, 1, 2, "4", CanaryCapacityMode.NoSurge, 3 },
        { "shrinking would break minReplicas", 2, 1, 2, "4", CanaryCapacityMode.Blocked, 2 },
    };

    [Theory]
    [MemberData(nameof(CanaryPlans))]
    public void Plans_room_for_a_canary(string scenario, int stable, int canary, int min, string used, CanaryCapacityMode mode, int stableAfter)
    {
        var quota = Quota("gpu-quota", new() { ["requests.nvidia.com/gpu"] = "4" }, new() { ["requests.nvidia.com/gpu"] = used });

        var plan = QuotaPlanner.PlanCanary(Pod(gpu: "1"), stable, Pod(gpu: "1"), canary, min, [quota]);

        Assert.True(mode == plan.Mode, $"{scenario}: {plan.Mode} {plan.Reason}");
        Assert.Equal(stableAfter, plan.StableReplicas);
        Assert.Equal(canary, plan.CanaryReplicas);
    }

    [Fact]
    public void No_surge_is_blocked_when_the_canary_pod_is_bigger_than_what_stable_frees()
    {
        var quota = Quota("gpu-quota", new() { ["requests.nvidia.com/gpu"] = "4" }, new() { ["requests.nvidia.com/gpu"] = "4" });

        var plan = QuotaPlanner.PlanCanary(Pod(gpu: "1"), 4, Pod(gpu: "2"), 1, 1, [quota]);

        Assert.Equal(CanaryCapacityMode.Blocked, plan.Mode);
        Assert.Contains("need 2, 1 available", plan.Reason);
        Assert.Contains("even with stable shrunk from 4 to 3", plan.Reason);
    }

    [Fact]
    public void Desired_state_charges_only_pods_beyond_those_running()
    {
        var md = Samples.Load("gpu-model");
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);
        var running = KubeJson.DeepCopy(desired.StableDeployment);
        running.Status = new V1DeploymentStatus { Replicas = 1 };
        running.Spec!.Replicas = 1;

        var fromScratch = DesiredStateDemand.Additional(desired, ObservedState.Empty);
        var scaleUp = DesiredStateDemand.Additional(desired, new ObservedState([running]));
        var inSync = DesiredStateDemand.Additional(desired, new ObservedState([desired.StableDeployment]));

        Assert.Equal(2m, Assert.Single(fromScratch).Amounts["requests.nvidia.com/gpu"]);
        Assert.Equal(1m, Assert.Single(scaleUp).Amounts["requests.nvidia.com/gpu"]);
        Assert.Empty(inSync);
    }

    [Fact]
    public void Autoscaled_revision_charges_the_hpa_minimum()
    {
        var md = Samples.Load("ingress-hpa-model");
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);

        var demand = Assert.Single(DesiredStateDemand.Additional(desired, ObservedState.Empty));

        Assert.Equal(2m, demand.Amounts["pods"]);
    }

    [Fact]
    public void A_revision_the_desired_state_drops_is_credited_at_its_larger_size()
    {
        var md = Samples.Load("gpu-model");
        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);
        var old = KubeJson.DeepCopy(desired.StableDeployment);
        old.Metadata.Name += "-old";
        old.Spec!.Replicas = 1;
        old.Status = new V1DeploymentStatus { Replicas = 3 };

        var released = DesiredStateDemand.Released(desired, new ObservedState([old, desired.StableDeployment]));

        Assert.Equal(3m, Assert.Single(released).Amounts["requests.nvidia.com/gpu"]);
        Assert.Empty(DesiredStateDemand.Released(desired, new ObservedState([desired.StableDeployment])));
    }
}
