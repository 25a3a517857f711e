using System.Reflection;
using System.Text.Json.Nodes;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.UnitTests.Fixtures;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;

namespace MlOperator.Operator.UnitTests.ArgoCd;

public class ModelDeploymentHealthCheckTests
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "config", "argocd", "modeldeployment-health.lua");

    private static JsonObject Condition(string type, string status, string reason, string message = "") =>
        new() { ["type"] = type, ["status"] = status, ["reason"] = reason, ["message"] = message };

    private static JsonObject Md(long generation = 3, long? observed = 3, JsonObject? annotations = null, JsonObject? canary = null, params JsonObject[] conditions)
    {
        var status = new JsonObject { ["phase"] = "Ready", ["conditions"] = new JsonArray([.. conditions.Select(c => c.DeepClone())]) };
        if (observed is not null)
        {
            status["observedGeneration"] = observed;
        }

        if (canary is not null)
        {
            status["canary"] = canary;
        }

        var metadata = new JsonObject { ["name"] = "fraud", ["generation"] = generation };
        if (annotations is not null)
        {
            metadata["annotations"] = annotations;
        }

        return new JsonObject { ["metadata"] = metadata, ["status"] = status };
    }

    private static readonly JsonObject[] Healthy =
    [
        Condition(Ready, True, ReasonAvailable, "2 of 2 replicas ready"),
        Condition(Progressing, False, ReasonRolloutComplete, "model version 7 serves all traffic"),
        Condition(Degraded, False, ReasonAsExpected),
        Condition(QuotaExceeded, False, ReasonQuotaAvailable),
        Condition(ModelVerified, True, ReasonChecksumMatched),
    ];

    private static (string Status, string Message) Health(JsonObject? md) => LuaRunner.Health(Script, md);

    [Fact]
    public void All_replicas_ready_at_the_current_generation_is_Healthy() =>
        Assert.Equal(("Healthy", "2 of 2 replicas ready"), Health(Md(conditions: Healthy)));

    [Fact]
    public void A_status_for_an_older_generation_is_Progressing() =>
        Assert.Equal(("Progressing", "Waiting for the operator to observe generation 4"), Health(Md(generation: 4, observed: 3, conditions: Healthy)));

    [Fact]
    public void No_status_yet_is_Progressing()
    {
        var md = Md(conditions: Healthy);
        md.Remove("status");

        Assert.Equal("Progressing", Health(md).Status);
    }

    [Fact]
    public void No_object_is_Missing() => Assert.Equal("Missing", Health(null).Status);

    [Fact]
    public void An_invalid_spec_is_Degraded_with_the_operator_message() =>
        Assert.Equal(("Degraded", "invalid spec: spec.replicas must be at least 0"),
            Health(Md(conditions: [Condition(Ready, False, ReasonInvalidSpec, "invalid spec: spec.replicas must be at least 0"), Condition(Degraded, False, ReasonAsExpected)])));

    [Fact]
    public void A_rolled_back_canary_is_Degraded_naming_the_metric() =>
        Assert.Equal(("Degraded", "canary 8: error rate 0.2 exceeds limit 0.01"),
            Health(Md(conditions: [.. Healthy[..2], Condition(Degraded, True, ReasonAnalysisFailed, "canary 8: error rate 0.2 exceeds limit 0.01")])));

    [Fact]
    public void Stalled_is_Degraded() =>
        Assert.Equal("Degraded", Health(Md(conditions: [.. Healthy, Condition("Stalled", True, ReasonProgressDeadlineExceeded, "no conclusive analysis")])).Status);

    [Fact]
    public void Exceeded_quota_is_Degraded() =>
        Assert.Equal(("Degraded", "insufficient quota: nvidia.com/gpu"),
            Health(Md(conditions: [Condition(QuotaExceeded, True, ReasonInsufficientQuota, "insufficient quota: nvidia.com/gpu"), Condition(Ready, False, ReasonInsufficientQuota)])));

    [Fact]
    public void A_model_failing_its_checksum_is_Degraded() =>
        Assert.Equal("Degraded", Health(Md(conditions: [.. Healthy[..4], Condition(ModelVerified, False, ReasonChecksumMismatch, "model file does not match sha256 ab")])).Status);

    [Fact]
    public void A_canary_in_progress_is_Progressing() =>
        Assert.Equal(("Progressing", "canary 8 at step 1, weight 10%"),
            Health(Md(canary: new JsonObject { ["version"] = "8", ["step"] = 0 }, conditions: [Healthy[0], Condition(Progressing, True, ReasonCanaryStep, "canary 8 at step 1, weight 10%")])));

    [Fact]
    public void A_paused_canary_is_Suspended() =>
        Assert.Equal(("Suspended", "Canary 8 paused at step 2"),
            Health(Md(annotations: new JsonObject { ["serving.mloperator.io/pause"] = "true" }, canary: new JsonObject { ["version"] = "8", ["step"] = 1 },
                conditions: [Healthy[0], Condition(Progressing, True, ReasonCanaryStep)])));

    [Fact]
    public void A_pause_annotation_without_a_canary_changes_nothing() =>
        Assert.Equal("Healthy", Health(Md(annotations: new JsonObject { ["serving.mloperator.io/pause"] = "true" }, conditions: Healthy)).Status);

    [Fact]
    public void Replicas_coming_up_are_Progressing() =>
        Assert.Equal(("Progressing", "1 of 2 replicas ready"),
            Health(Md(conditions: [Condition(Ready, False, ReasonReplicasNotReady, "1 of 2 replicas ready"), Condition(Degraded, False, ReasonAsExpected)])));

    [Fact]
    public void A_reason_the_script_does_not_know_is_Unknown() =>
        Assert.Equal(("Unknown", "Unrecognised reason Exploded on condition Ready"), Health(Md(conditions: [Condition(Ready, False, "Exploded")])));

    public static TheoryData<string> EveryReason()
    {
        var data = new TheoryData<string>();
        foreach (var field in typeof(ModelDeploymentConditions).GetFields(BindingFlags.Public | BindingFlags.Static)
                     .Where(f => f.IsLiteral && f.Name.StartsWith("Reason", StringComparison.Ordinal)))
        {
            data.Add((string)field.GetRawConstantValue()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryReason))]
    public void Every_reason_the_operator_writes_has_a_health(string reason)
    {
        foreach (var type in AllTypes)
        {
            Assert.NotEqual("Unknown", Health(Md(conditions: [Condition(type, False, reason, "m")])).Status);
            Assert.NotEqual("Unknown", Health(Md(conditions: [Condition(type, True, reason, "m")])).Status);
        }
    }
}
