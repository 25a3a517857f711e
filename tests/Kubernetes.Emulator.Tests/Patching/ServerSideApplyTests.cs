using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Patching;

namespace MlOperator.Kubernetes.Emulator.Tests.Patching;

public sealed class ServerSideApplyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);
    private static readonly MergeKeys DeploymentKeys = MergeKeys.ForBuiltIn("apps", "Deployment");

    private static JsonObject Deployment(string spec) =>
        PatchJson.Object("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default'},'spec':" + spec + "}");

    private static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force = false, DateTimeOffset? now = null) =>
        ServerSideApply.Apply(live, applied, manager, force, null, DeploymentKeys, now ?? T0);

    private static JsonArray ManagedFields(JsonObject obj) => (JsonArray)obj["metadata"]!["managedFields"]!;

    private static JsonObject Entry(JsonObject obj, string manager, string operation = "Apply") =>
        ManagedFields(obj).OfType<JsonObject>().Single(e => (string?)e["manager"] == manager && (string?)e["operation"] == operation);

    private static JsonNode? FieldsOf(JsonObject obj, string manager, string operation = "Apply") =>
        Entry(obj, manager, operation)["fieldsV1"];

    [Fact]
    public void Create_records_an_Apply_entry_with_FieldsV1_apiVersion_and_whole_second_time()
    {
        var created = Apply(null, Deployment("{'replicas':3}"), "a");

        Assert.Equal(3, (int)created["spec"]!["replicas"]!);
        PatchJson.Equal(
            "{'manager':'a','operation':'Apply','apiVersion':'apps/v1','time':'2026-01-02T03:04:05Z','fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:replicas':{}}}}",
            Entry(created, "a"));
    }

    [Fact]
    public void Second_manager_changing_an_owned_field_conflicts_with_kubes_message()
    {
        var live = Apply(null, Deployment("{'replicas':3}"), "a");

        var error = Assert.Throws<ApplyConflictException>(() => Apply(live, Deployment("{'replicas':5}"), "b"));

        var conflict = Assert.Single(error.Conflicts);
        Assert.Equal(("a", ".spec.replicas"), (conflict.Manager, conflict.Field));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"a\": .spec.replicas", error.Message);
    }

    [Fact]
    public void Force_transfers_ownership()
    {
        var live = Apply(null, Deployment("{'replicas':3,'paused':false}"), "a");

        var forced = Apply(live, Deployment("{'replicas':5}"), "b", force: true, now: T1);

        Assert.Equal(5, (int)forced["spec"]!["replicas"]!);
        PatchJson.Equal("{'f:spec':{'f:replicas':{}}}", FieldsOf(forced, "b"));
        PatchJson.Equal("{'f:spec':{'f:paused':{}}}", FieldsOf(forced, "a"));
    }

    [Fact]
    public void Applying_the_same_value_shares_ownership_without_conflict()
    {
        var live = Apply(null, Deployment("{'replicas':3}"), "a");

        var shared = Apply(live, Deployment("{'replicas':3}"), "b");

        PatchJson.Equal("{'f:spec':{'f:replicas':{}}}", FieldsOf(shared, "a"));
        PatchJson.Equal("{'f:spec':{'f:replicas':{}}}", FieldsOf(shared, "b"));
    }

    [Fact]
    public void A_field_owned_alone_and_no_longer_applied_is_removed()
    {
        var live = Apply(null, Deployment("{'replicas':3,'paused':true}"), "a");

        var reapplied = Apply(live, Deployment("{'paused':true}"), "a", now: T1);

        PatchJson.Equal("{'paused':true}", reapplied["spec"]);
        PatchJson.Equal("{'f:spec':{'f:paused':{}}}", FieldsOf(reapplied, "a"));
    }

    [Fact]
    public void A_shared_field_stays_when_one_owner_stops_applying_it()
    {
        var live = Apply(Apply(null, Deployment("{'replicas':3,'paused':true}"), "a"), Deployment("{'replicas':3}"), "b");

        var reapplied = Apply(live, Deployment("{'paused':true}"), "a", now: T1);

        PatchJson.Equal("{'replicas':3,'paused':true}", reapplied["spec"]);
        PatchJson.Equal("{'f:spec':{'f:paused':{}}}", FieldsOf(reapplied, "a"));
        PatchJson.Equal("{'f:spec':{'f:replicas':{}}}", FieldsOf(reapplied, "b"));
    }
}
