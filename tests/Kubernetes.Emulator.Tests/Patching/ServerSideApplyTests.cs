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

    private static JsonObject WithContainers(string containers) =>
        Deployment("{'template':{'spec':{'containers':" + containers + "}}}");

    [Fact]
    public void Containers_are_owned_per_item_by_name_key()
    {
        var created = Apply(null, WithContainers("[{'name':'app','image':'app:1','ports':[{'containerPort':80}]}]"), "a");

        PatchJson.Equal(
            JsonNode.Parse("""
                {"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{
                  ".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}
                """),
            FieldsOf(created, "a"));
    }

    [Fact]
    public void Changing_another_managers_container_image_conflicts_on_the_item_path()
    {
        var live = Apply(null, WithContainers("[{'name':'app','image':'app:1'}]"), "a");

        var error = Assert.Throws<ApplyConflictException>(() => Apply(live, WithContainers("[{'name':'app','image':'app:2'}]"), "b"));

        Assert.Equal(".spec.template.spec.containers[name=\"app\"].image", Assert.Single(error.Conflicts).Field);
    }

    [Fact]
    public void Reapplying_without_a_container_removes_it_and_merges_the_rest_by_name()
    {
        var live = Apply(null, WithContainers("[{'name':'app','image':'app:1'},{'name':'sidecar','image':'s:1'}]"), "kubectl");

        var reapplied = Apply(live, WithContainers("[{'name':'app','image':'app:2'}]"), "kubectl", now: T1);

        PatchJson.Equal("[{'name':'app','image':'app:2'}]", reapplied["spec"]!["template"]!["spec"]!["containers"]);
    }

    [Fact]
    public void Another_managers_container_survives_a_reapply()
    {
        var live = Apply(null, WithContainers("[{'name':'app','image':'app:1'}]"), "a");
        live = Apply(live, WithContainers("[{'name':'injected','image':'i:1'}]"), "b");

        var reapplied = Apply(live, WithContainers("[{'name':'app','image':'app:2'}]"), "a", now: T1);

        PatchJson.Equal(
            "[{'name':'app','image':'app:2'},{'name':'injected','image':'i:1'}]",
            reapplied["spec"]!["template"]!["spec"]!["containers"]);
    }

    [Fact]
    public void An_item_another_manager_touched_keeps_its_key_and_their_field()
    {
        var live = Apply(null, WithContainers("[{'name':'app','image':'app:1'},{'name':'sidecar','image':'s:1','args':['x']}]"), "a");
        var edited = JsonNode.Parse(live.ToJsonString())!.AsObject();
        edited["spec"]!["template"]!["spec"]!["containers"]![1]!["image"] = "s:2";
        live = ServerSideApply.RecordUpdate(live, edited, "kubectl-edit", null, DeploymentKeys, T1);

        var reapplied = Apply(live, WithContainers("[{'name':'app','image':'app:1'}]"), "a", now: T1);

        PatchJson.Equal(
            "[{'name':'app','image':'app:1'},{'name':'sidecar','image':'s:2'}]",
            reapplied["spec"]!["template"]!["spec"]!["containers"]);
    }

    [Fact]
    public void Update_takes_ownership_of_changed_fields_without_conflict()
    {
        var live = Apply(null, Deployment("{'replicas':3,'paused':false}"), "a");
        var edited = JsonNode.Parse(live.ToJsonString())!.AsObject();
        edited["spec"]!["replicas"] = 4;

        var updated = ServerSideApply.RecordUpdate(live, edited, "kubectl-edit", null, DeploymentKeys, T1);

        Assert.Equal(4, (int)updated["spec"]!["replicas"]!);
        PatchJson.Equal("{'f:spec':{'f:paused':{}}}", FieldsOf(updated, "a"));
        PatchJson.Equal(
            "{'manager':'kubectl-edit','operation':'Update','apiVersion':'apps/v1','time':'2026-01-02T03:05:05Z','fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:replicas':{}}}}",
            Entry(updated, "kubectl-edit", "Update"));
        var error = Assert.Throws<ApplyConflictException>(() => Apply(updated, Deployment("{'replicas':3,'paused':false}"), "a", now: T1));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas", error.Message);
    }

    [Fact]
    public void An_entry_left_without_fields_is_dropped()
    {
        var live = Apply(null, Deployment("{'replicas':3}"), "a");

        var forced = Apply(live, Deployment("{'replicas':5}"), "b", force: true, now: T1);

        Assert.Equal(["b"], ManagedFields(forced).Select(e => (string?)e!["manager"]));
    }

    [Fact]
    public void Update_that_changes_nothing_leaves_managed_fields_alone()
    {
        var live = ServerSideApply.RecordUpdate(null, Deployment("{'replicas':3}"), "creator", null, DeploymentKeys, T0);

        var again = ServerSideApply.RecordUpdate(live, JsonNode.Parse(live.ToJsonString())!.AsObject(), "other", null, DeploymentKeys, T1);

        PatchJson.Equal(live, again);
        Assert.Equal(live.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void Reapplying_the_same_configuration_later_is_a_no_op()
    {
        var live = Apply(null, Deployment("{'replicas':3}"), "a");

        var again = Apply(live, Deployment("{'replicas':3}"), "a", now: T1);

        Assert.Equal(live.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void A_changing_apply_refreshes_the_time()
    {
        var live = Apply(null, Deployment("{'replicas':3}"), "a");

        var changed = Apply(live, Deployment("{'replicas':4}"), "a", now: T1);

        Assert.Equal("2026-01-02T03:05:05Z", (string?)Entry(changed, "a")["time"]);
    }

    [Fact]
    public void Create_through_update_owns_what_it_set_with_dot_for_added_maps()
    {
        var obj = Deployment("{'replicas':1}");
        obj["metadata"]!["labels"] = new JsonObject { ["app"] = "web" };

        var created = ServerSideApply.RecordUpdate(null, obj, "kubectl-create", null, DeploymentKeys, T0);

        PatchJson.Equal(
            "{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'.':{},'f:replicas':{}}}",
            FieldsOf(created, "kubectl-create", "Update"));
    }

    [Fact]
    public void Server_set_metadata_is_never_owned_nor_overwritten_by_apply()
    {
        var live = Apply(null, Deployment("{'replicas':1}"), "a");
        live["metadata"]!["uid"] = "u-1";
        live["metadata"]!["resourceVersion"] = "7";
        var applied = Deployment("{'replicas':1}");
        applied["metadata"]!["uid"] = "forged";
        applied["metadata"]!["resourceVersion"] = "1";
        applied["metadata"]!["managedFields"] = PatchJson.Array("[{'manager':'evil','operation':'Apply','fieldsV1':{'f:spec':{}}}]");

        var result = Apply(live, applied, "a", now: T1);

        Assert.Equal("u-1", (string?)result["metadata"]!["uid"]);
        Assert.Equal("7", (string?)result["metadata"]!["resourceVersion"]);
        Assert.Equal(["a"], ManagedFields(result).Select(e => (string?)e!["manager"]));
        PatchJson.Equal("{'f:spec':{'f:replicas':{}}}", FieldsOf(result, "a"));
    }

    [Fact]
    public void Metadata_labels_finalizers_and_owner_references_are_owned_like_any_field()
    {
        var applied = Deployment("{'replicas':1}");
        applied["metadata"]!["labels"] = new JsonObject { ["app"] = "web" };
        applied["metadata"]!["finalizers"] = PatchJson.Array("['example.com/cleanup']");
        applied["metadata"]!["ownerReferences"] = PatchJson.Array("[{'apiVersion':'v1','kind':'X','name':'o','uid':'u1'}]");

        var created = Apply(null, applied, "a");

        PatchJson.Equal(
            JsonNode.Parse("""
                {"f:metadata":{"f:finalizers":{"v:\"example.com/cleanup\"":{}},"f:labels":{"f:app":{}},
                  "f:ownerReferences":{"k:{\"uid\":\"u1\"}":{".":{},"f:apiVersion":{},"f:kind":{},"f:name":{},"f:uid":{}}}},
                 "f:spec":{"f:replicas":{}}}
                """),
            FieldsOf(created, "a"));
    }

    [Fact]
    public void Finalizers_from_two_managers_are_kept_apart()
    {
        var withA = Deployment("{}");
        withA["metadata"]!["finalizers"] = PatchJson.Array("['a.io/f']");
        var withB = Deployment("{}");
        withB["metadata"]!["finalizers"] = PatchJson.Array("['b.io/f']");
        var live = Apply(Apply(null, withA, "a"), withB, "b");
        PatchJson.Equal("['a.io/f','b.io/f']", live["metadata"]!["finalizers"]);

        var dropped = Apply(live, Deployment("{}"), "a", now: T1);

        PatchJson.Equal("['b.io/f']", dropped["metadata"]!["finalizers"]);
    }

    [Fact]
    public void Dropping_every_label_removes_the_labels_map()
    {
        var labelled = Deployment("{'replicas':1}");
        labelled["metadata"]!["labels"] = new JsonObject { ["app"] = "web", ["tier"] = "x" };
        var live = Apply(null, labelled, "a");

        var unlabelled = Apply(live, Deployment("{'replicas':1}"), "a", now: T1);

        Assert.False(unlabelled["metadata"]!.AsObject().ContainsKey("labels"));
        Assert.Equal("web", (string?)unlabelled["metadata"]!["name"]);
    }

    [Fact]
    public void Apply_on_an_object_nobody_managed_conflicts_with_before_first_apply()
    {
        var unmanaged = Deployment("{'replicas':1}");

        var error = Assert.Throws<ApplyConflictException>(() => Apply(unmanaged, Deployment("{'replicas':2}"), "a"));

        Assert.Equal("\"before-first-apply\" using apps/v1", Assert.Single(error.Conflicts).DescribeManager());
        var shared = Apply(unmanaged, Deployment("{'replicas':1}"), "a");
        Assert.Equal(2, ManagedFields(shared).Count);
    }

    [Fact]
    public void Several_conflicts_are_listed_per_manager()
    {
        var live = Apply(Apply(null, Deployment("{'replicas':3,'paused':false}"), "a"), Deployment("{'minReadySeconds':5}"), "b");

        var error = Assert.Throws<ApplyConflictException>(() => Apply(live, Deployment("{'replicas':1,'paused':true,'minReadySeconds':6}"), "c"));

        Assert.Equal(
            "Apply failed with 3 conflicts: conflicts with \"a\":\n- .spec.paused\n- .spec.replicas\nconflicts with \"b\":\n- .spec.minReadySeconds",
            error.Message);
    }

    [Fact]
    public void Entries_are_kept_per_subresource()
    {
        var live = Apply(null, Deployment("{'replicas':1}"), "ctl");
        var withStatus = JsonNode.Parse(live.ToJsonString())!.AsObject();
        withStatus["status"] = new JsonObject { ["replicas"] = 1 };

        var updated = ServerSideApply.RecordUpdate(live, withStatus, "ctl", "status", DeploymentKeys, T1);

        var statusEntry = Entry(updated, "ctl", "Update");
        Assert.Equal("status", (string?)statusEntry["subresource"]);
        PatchJson.Equal("{'f:status':{'.':{},'f:replicas':{}}}", statusEntry["fieldsV1"]);
        PatchJson.Equal("{'f:spec':{'f:replicas':{}}}", FieldsOf(updated, "ctl"));
    }

    [Fact]
    public void An_update_sending_one_empty_entry_resets_managed_fields()
    {
        var live = Apply(null, Deployment("{'replicas':1}"), "a");
        var reset = JsonNode.Parse(live.ToJsonString())!.AsObject();
        reset["metadata"]!["managedFields"] = PatchJson.Array("[{}]");

        var updated = ServerSideApply.RecordUpdate(live, reset, "resetter", null, DeploymentKeys, T1);

        Assert.False(updated["metadata"]!.AsObject().ContainsKey("managedFields"));
    }

    [Fact]
    public void An_applied_list_item_without_its_key_is_a_422()
    {
        var error = Assert.Throws<PatchException>(() => Apply(null, WithContainers("[{'image':'x'}]"), "a"));

        Assert.Equal(422, error.StatusCode);
        Assert.Contains("omits key field \"name\"", error.Message);
    }

    [Fact]
    public void Duplicate_keys_in_an_applied_list_are_a_422()
    {
        var error = Assert.Throws<PatchException>(() => Apply(null, WithContainers("[{'name':'a'},{'name':'a'}]"), "a"));

        Assert.Contains("duplicate entries for key [name=\"a\"]", error.Message);
    }

    [Fact]
    public void Custom_resources_use_schema_list_map_keys()
    {
        var keys = MergeKeys.FromSchema(PatchJson.Object(
            "{'type':'object','properties':{'spec':{'type':'object','properties':{'stages':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],'items':{'type':'object'}}}}}}"));
        JsonObject Model(string stages) => PatchJson.Object("{'apiVersion':'ml.example.com/v1alpha1','kind':'ModelDeployment','metadata':{'name':'m'},'spec':{'stages':" + stages + "}}");
        var live = ServerSideApply.Apply(null, Model("[{'name':'canary','weight':10}]"), "a", false, null, keys, T0);
        live = ServerSideApply.Apply(live, Model("[{'name':'stable','weight':90}]"), "b", false, null, keys, T0);

        var error = Assert.Throws<ApplyConflictException>(() => ServerSideApply.Apply(live, Model("[{'name':'canary','weight':20}]"), "b", false, null, keys, T1));

        PatchJson.Equal("[{'name':'canary','weight':10},{'name':'stable','weight':90}]", live["spec"]!["stages"]);
        Assert.Equal(".spec.stages[name=\"canary\"].weight", Assert.Single(error.Conflicts).Field);
    }

    [Fact]
    public void Inputs_are_not_modified()
    {
        var live = Apply(null, Deployment("{'replicas':3}"), "a");
        var before = live.ToJsonString();
        var applied = Deployment("{'paused':null}");
        var appliedBefore = applied.ToJsonString();

        Apply(live, applied, "a", now: T1);

        Assert.Equal(before, live.ToJsonString());
        Assert.Equal(appliedBefore, applied.ToJsonString());
    }

    [Fact]
    public void The_same_port_over_TCP_and_UDP_are_two_items_and_protocol_defaults_to_TCP()
    {
        var live = Apply(null, WithContainers("[{'name':'dns','ports':[{'containerPort':53,'protocol':'UDP'},{'containerPort':53}]}]"), "a");
        var defaulted = JsonNode.Parse(live.ToJsonString())!.AsObject();
        defaulted["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![1]!["protocol"] = "TCP";
        live = ServerSideApply.RecordUpdate(live, defaulted, "defaulter", null, DeploymentKeys, T0);

        var reapplied = Apply(live, WithContainers("[{'name':'dns','ports':[{'containerPort':53,'name':'tcp'}]}]"), "a", now: T1);

        PatchJson.Equal("[{'containerPort':53,'protocol':'TCP','name':'tcp'}]", reapplied["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]);
    }

    [Fact]
    public void A_CRD_key_field_with_a_schema_default_may_be_omitted()
    {
        var keys = MergeKeys.FromSchema(PatchJson.Object(
            "{'type':'object','properties':{'spec':{'type':'object','properties':{'pools':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name','zone'],'items':{'type':'object','properties':{'name':{'type':'string'},'zone':{'type':'string','default':'a'}}}}}}}}"));
        JsonObject Model(string pools) => PatchJson.Object("{'apiVersion':'ml.example.com/v1alpha1','kind':'ModelDeployment','metadata':{'name':'m'},'spec':{'pools':" + pools + "}}");
        var live = ServerSideApply.Apply(null, Model("[{'name':'gpu','zone':'a','size':1}]"), "a", false, null, keys, T0);

        var updated = ServerSideApply.Apply(live, Model("[{'name':'gpu','size':2}]"), "a", false, null, keys, T1);

        PatchJson.Equal("[{'name':'gpu','zone':'a','size':2}]", updated["spec"]!["pools"]);
    }

    [Fact]
    public void Status_applied_through_the_subresource_is_owned_apart_from_the_spec()
    {
        var live = Apply(null, Deployment("{'replicas':2}"), "operator");
        var status = PatchJson.Object("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'status':{'readyReplicas':2}}");

        var withStatus = ServerSideApply.Apply(live, status, "operator", false, "status", DeploymentKeys, T1);
        var reapplied = Apply(withStatus, Deployment("{'replicas':2}"), "operator", now: T1);

        Assert.Equal(2, (int)reapplied["status"]!["readyReplicas"]!);
        var entries = ManagedFields(reapplied).OfType<JsonObject>().Select(e => ((string?)e["manager"], (string?)e["operation"], (string?)e["subresource"])).ToList();
        Assert.Equal([("operator", "Apply", null), ("operator", "Apply", "status")], entries);
    }

    [Fact]
    public void A_scale_update_takes_replicas_and_a_later_apply_must_force()
    {
        var live = Apply(null, Deployment("{'replicas':2}"), "operator");
        var scaled = JsonNode.Parse(live.ToJsonString())!.AsObject();
        scaled["spec"]!["replicas"] = 5;
        live = ServerSideApply.RecordUpdate(live, scaled, "hpa-controller", "scale", DeploymentKeys, T1);

        var error = Assert.Throws<ApplyConflictException>(() => Apply(live, Deployment("{'replicas':2}"), "operator", now: T1));
        var forced = Apply(live, Deployment("{'replicas':2}"), "operator", force: true, now: T1);

        Assert.Equal("\"hpa-controller\" with subresource \"scale\" using apps/v1", Assert.Single(error.Conflicts).DescribeManager());
        Assert.Equal(2, (int)forced["spec"]!["replicas"]!);
        Assert.Equal(["operator"], ManagedFields(forced).Select(e => (string?)e!["manager"]));
    }

    [Fact]
    public void More_than_ten_updaters_fold_the_oldest_into_ancient_changes()
    {
        var live = ServerSideApply.RecordUpdate(null, Deployment("{'replicas':0}"), "creator", null, DeploymentKeys, T0);
        for (var i = 1; i <= 11; i++)
        {
            var next = JsonNode.Parse(live.ToJsonString())!.AsObject();
            if (next["metadata"]!["annotations"] is not JsonObject annotations)
            {
                annotations = [];
                next["metadata"]!["annotations"] = annotations;
            }

            annotations[$"note-{i}"] = "x";

            live = ServerSideApply.RecordUpdate(live, next, $"writer-{i}", null, DeploymentKeys, T0.AddMinutes(i));
        }

        var managers = ManagedFields(live).Select(e => (string?)e!["manager"]).ToList();
        Assert.Equal(10, managers.Count);
        Assert.Contains("ancient-changes", managers);
        Assert.DoesNotContain("creator", managers);
        Assert.DoesNotContain("writer-1", managers);
        Assert.DoesNotContain("writer-2", managers);
        Assert.Contains("writer-11", managers);
        var ancient = FieldsOf(live, "ancient-changes", "Update")!.ToJsonString();
        Assert.Contains("note-1", ancient);
        Assert.Contains("f:replicas", ancient);
    }
}
