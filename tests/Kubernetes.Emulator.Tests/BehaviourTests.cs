using System.Net;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>The numbered "Behaviour tests" of KUBE_API_EMULATION.md, over HTTP (kubectl halves live in KubectlTests).</summary>
public sealed class BehaviourTests
{
    private const string Aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

    [Fact] // 1
    public async Task Apis_serves_aggregated_discovery_when_asked_and_APIGroupList_otherwise()
    {
        await using var kube = await TestKube.StartAsync();
        var agg = await kube.GetAsync("/apis", Aggregated);
        Assert.Equal(HttpStatusCode.OK, agg.Code);
        Assert.Contains("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", agg.ContentType.Replace(" ", ""));
        Assert.Equal("APIGroupDiscoveryList", agg.Body["kind"]!.ToString());
        var resources = agg.Body["items"]!.AsArray().SelectMany(g => g!["versions"]!.AsArray()).SelectMany(v => v!["resources"]!.AsArray()).ToList();
        Assert.NotEmpty(resources);
        Assert.All(resources, r => Assert.False(string.IsNullOrEmpty(r!["responseKind"]?["kind"]?.ToString())));
        var core = await kube.GetAsync("/api", Aggregated);
        Assert.Contains(core.Body["items"]!.AsArray()[0]!["versions"]![0]!["resources"]!.AsArray(), r => r!["resource"]!.ToString() == "pods");

        var plain = await kube.GetAsync("/apis", "application/json");
        Assert.Equal("APIGroupList", plain.Body["kind"]!.ToString());
        Assert.Contains(plain.Body["groups"]!.AsArray(), g => g!["name"]!.ToString() == "apps");
    }

    [Fact] // 4
    public async Task Post_of_an_existing_object_is_409_AlreadyExists_with_plural_kind()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync(Deployments, Deployment("web"));
        var again = await kube.PostAsync(Deployments, Deployment("web"));
        Assert.Equal(HttpStatusCode.Conflict, again.Code);
        Assert.Equal("AlreadyExists", again.Reason);
        Assert.Equal("deployments.apps \"web\" already exists", again.Message);
        Assert.Equal("deployments", again.Body["details"]!["kind"]!.ToString());
        Assert.Equal("apps", again.Body["details"]!["group"]!.ToString());
        Assert.Equal(409, (int)again.Body["code"]!);
    }

    [Fact] // 5
    public async Task Put_with_a_stale_resourceVersion_is_409_with_the_exact_Conflict_message()
    {
        await using var kube = await TestKube.StartAsync();
        var created = await kube.CreateAsync(Deployments, Deployment("web"));
        var first = created.DeepClone().AsObject();
        first["spec"]!["replicas"] = 2;
        Assert.Equal(HttpStatusCode.OK, (await kube.PutAsync(Deployments + "/web", first)).Code);
        created["spec"]!["replicas"] = 3;
        var stale = await kube.PutAsync(Deployments + "/web", created);
        Assert.Equal(HttpStatusCode.Conflict, stale.Code);
        Assert.Equal("Conflict", stale.Reason);
        Assert.Equal("Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again", stale.Message);
    }

    [Fact] // 6
    public async Task Put_without_resourceVersion_is_422_for_custom_resources_and_allowed_for_Deployments()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallWidgetsAsync(kube);
        await kube.CreateAsync(Widgets, Widget("w1"));
        var cr = await kube.PutAsync(Widgets + "/w1", Widget("w1", "blue"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cr.Code);
        Assert.Equal("Widget.example.com \"w1\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", cr.Message);

        await kube.CreateAsync(Deployments, Deployment("web"));
        var deploy = await kube.PutAsync(Deployments + "/web", Deployment("web", 2));
        Assert.Equal(HttpStatusCode.OK, deploy.Code);
        Assert.Equal(2, (int)deploy.Body["spec"]!["replicas"]!);
    }

    [Fact] // 7
    public async Task Status_subresource_splits_spec_and_status_writes_and_only_spec_bumps_generation()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallWidgetsAsync(kube);
        var w = await kube.CreateAsync(Widgets, Widget("w1"));
        Assert.Equal(1, (int)w["metadata"]!["generation"]!);

        var viaStatus = w.DeepClone().AsObject();
        viaStatus["spec"]!["color"] = "blue";
        viaStatus["status"] = new JsonObject { ["phase"] = "Running" };
        var s = await kube.PutAsync(Widgets + "/w1/status", viaStatus);
        Assert.Equal(HttpStatusCode.OK, s.Code);
        Assert.Equal("red", s.Body["spec"]!["color"]!.ToString());
        Assert.Equal("Running", s.Body["status"]!["phase"]!.ToString());
        Assert.Equal(1, (int)s.Body["metadata"]!["generation"]!);

        var viaMain = s.Body.DeepClone().AsObject();
        viaMain["status"]!["phase"] = "Broken";
        var m = await kube.PutAsync(Widgets + "/w1", viaMain);
        Assert.Equal("Running", m.Body["status"]!["phase"]!.ToString());
        Assert.Equal(1, (int)m.Body["metadata"]!["generation"]!);

        var specChange = m.Body.DeepClone().AsObject();
        specChange["spec"]!["color"] = "blue";
        var g = await kube.PutAsync(Widgets + "/w1", specChange);
        Assert.Equal(2, (int)g.Body["metadata"]!["generation"]!);
        Assert.Equal("blue", g.Body["spec"]!["color"]!.ToString());
    }

    [Fact] // 8
    public async Task Identical_put_keeps_the_resourceVersion_and_emits_no_watch_event()
    {
        await using var kube = await TestKube.StartAsync();
        var created = await kube.CreateAsync(Deployments, Deployment("web"));
        var rv = created["metadata"]!["resourceVersion"]!.ToString();
        await using var watch = await kube.WatchAsync($"{Deployments}?watch=true&resourceVersion={rv}");
        // Reordered keys must not matter: the server compares stored bytes.
        var reordered = new JsonObject { ["spec"] = created["spec"]!.DeepClone(), ["metadata"] = created["metadata"]!.DeepClone(), ["kind"] = "Deployment", ["apiVersion"] = "apps/v1" };
        var put = await kube.PutAsync(Deployments + "/web", reordered);
        Assert.Equal(HttpStatusCode.OK, put.Code);
        Assert.Equal(rv, put.ResourceVersion);
        var patch = await kube.PatchAsync(Deployments + "/web", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 1 } }, "application/merge-patch+json");
        Assert.Equal(rv, patch.ResourceVersion);
        Assert.True(await watch.QuietAsync());
        var changed = await kube.PatchAsync(Deployments + "/web", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 2 } }, "application/merge-patch+json");
        Assert.NotEqual(rv, changed.ResourceVersion);
        Assert.Equal("MODIFIED", (await watch.NextAsync())!["type"]!.ToString());
    }

    [Fact] // 9
    public async Task Watch_from_zero_with_a_name_field_selector_starts_with_a_synthetic_ADDED()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync(Deployments, Deployment("web"));
        await kube.CreateAsync(Deployments, Deployment("other"));
        await using var watch = await kube.WatchAsync($"{Deployments}?watch=1&resourceVersion=0&fieldSelector=metadata.name%3Dweb");
        var first = await watch.NextAsync();
        Assert.Equal("ADDED", first!["type"]!.ToString());
        Assert.Equal("web", first["object"]!["metadata"]!["name"]!.ToString());
        await kube.PatchAsync(Deployments + "/other", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 4 } }, "application/merge-patch+json");
        await kube.PatchAsync(Deployments + "/web", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 3 } }, "application/merge-patch+json");
        var next = await watch.NextAsync();
        Assert.Equal("MODIFIED", next!["type"]!.ToString());
        Assert.Equal("web", next["object"]!["metadata"]!["name"]!.ToString());
    }

    [Fact] // 10
    public async Task Watch_from_a_compacted_resourceVersion_gets_410_Expired_and_the_stream_closes()
    {
        await using var kube = await TestKube.StartAsync();
        var created = await kube.CreateAsync(Deployments, Deployment("web"));
        var oldRv = long.Parse(created["metadata"]!["resourceVersion"]!.ToString());
        await kube.PatchAsync(Deployments + "/web", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 2 } }, "application/merge-patch+json");
        kube.Emulator.Faults.CompactHistory();
        await using var watch = await kube.WatchAsync($"{Deployments}?watch=true&resourceVersion={oldRv - 1}");
        Assert.Equal(HttpStatusCode.OK, watch.Code);
        var error = await watch.NextAsync();
        Assert.Equal("ERROR", error!["type"]!.ToString());
        Assert.Equal(410, (int)error["object"]!["code"]!);
        Assert.Equal("Expired", error["object"]!["reason"]!.ToString());
        Assert.Matches($"^too old resource version: {oldRv - 1} \\(\\d+\\)$", error["object"]!["message"]!.ToString());
        Assert.Null(await watch.NextAsync());
    }

    [Fact] // 11
    public async Task Label_selector_watch_sees_DELETED_when_an_object_is_relabelled_out_and_ADDED_back_in()
    {
        await using var kube = await TestKube.StartAsync();
        var cm = ConfigMap("c1");
        cm["metadata"]!["labels"] = new JsonObject { ["tier"] = "web" };
        var created = await kube.CreateAsync("/api/v1/namespaces/default/configmaps", cm);
        await using var watch = await kube.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%20in%20(web,api)&resourceVersion={created["metadata"]!["resourceVersion"]}");
        await kube.PatchAsync("/api/v1/namespaces/default/configmaps/c1", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["tier"] = "db" } } }, "application/merge-patch+json");
        var gone = await watch.NextAsync();
        Assert.Equal("DELETED", gone!["type"]!.ToString());
        Assert.Equal("db", gone["object"]!["metadata"]!["labels"]!["tier"]!.ToString());
        await kube.PatchAsync("/api/v1/namespaces/default/configmaps/c1", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["tier"] = "api" } } }, "application/merge-patch+json");
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.ToString());
    }

    [Fact] // 12
    public async Task Finalizer_flow_sets_deletionTimestamp_refuses_new_finalizers_and_deletes_when_emptied()
    {
        await using var kube = await TestKube.StartAsync();
        var cm = ConfigMap("c1");
        cm["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        var created = await kube.CreateAsync("/api/v1/namespaces/default/configmaps", cm);
        await using var watch = await kube.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={created["metadata"]!["resourceVersion"]}");
        var del = await kube.DeleteAsync("/api/v1/namespaces/default/configmaps/c1", new JsonObject { ["propagationPolicy"] = "Background" });
        Assert.Equal(HttpStatusCode.OK, del.Code);
        Assert.NotNull(del.Body["metadata"]!["deletionTimestamp"]);
        Assert.Equal("MODIFIED", (await watch.NextAsync())!["type"]!.ToString());

        var more = await kube.PatchAsync("/api/v1/namespaces/default/configmaps/c1",
            new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray("example.com/hold", "example.com/more") } }, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, more.Code);
        Assert.Contains("no new finalizers can be added if the object is being deleted", more.Message);

        var release = await kube.PatchAsync("/api/v1/namespaces/default/configmaps/c1",
            new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } }, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, release.Code);
        Assert.Equal("DELETED", (await watch.NextAsync())!["type"]!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync("/api/v1/namespaces/default/configmaps/c1")).Code);
    }

    [Fact] // 13
    public async Task Server_side_apply_tracks_owners_conflicts_forces_and_releases_fields()
    {
        await using var kube = await TestKube.StartAsync();
        var a = await kube.ApplyAsync(Deployments + "/web", Deployment("web", 3), "A");
        Assert.Equal(HttpStatusCode.Created, a.Code);
        var entry = a.Body["metadata"]!["managedFields"]!.AsArray().Single(m => m!["manager"]!.ToString() == "A");
        Assert.Equal("Apply", entry!["operation"]!.ToString());
        Assert.NotNull(entry["fieldsV1"]!["f:spec"]!["f:replicas"]);

        var b = await kube.ApplyAsync(Deployments + "/web", Deployment("web", 5), "B");
        Assert.Equal(HttpStatusCode.Conflict, b.Code);
        Assert.Equal("Conflict", b.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"A\": .spec.replicas", b.Message);
        var cause = b.Body["details"]!["causes"]!.AsArray().Single();
        Assert.Equal("FieldManagerConflict", cause!["reason"]!.ToString());
        Assert.Equal(".spec.replicas", cause["field"]!.ToString());

        var forced = await kube.ApplyAsync(Deployments + "/web", Deployment("web", 5), "B", force: true);
        Assert.Equal(HttpStatusCode.OK, forced.Code);
        Assert.Equal(5, (int)forced.Body["spec"]!["replicas"]!);

        var again = await kube.ApplyAsync(Deployments + "/web", Deployment("web"), "A");
        Assert.Equal(HttpStatusCode.OK, again.Code);
        var aFields = again.Body["metadata"]!["managedFields"]!.AsArray().Single(m => m!["manager"]!.ToString() == "A")!["fieldsV1"]!;
        Assert.Null(aFields["f:spec"]!["f:replicas"]);
        Assert.Equal(5, (int)again.Body["spec"]!["replicas"]!);
    }

    [Fact] // 14
    public async Task Apply_needs_a_fieldManager_and_custom_resources_refuse_strategic_merge()
    {
        await using var kube = await TestKube.StartAsync();
        var noManager = await kube.SendAsync(HttpMethod.Patch, Deployments + "/web", Deployment("web"), "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noManager.Code);
        Assert.Contains("fieldManager: Required value", noManager.Message);
        var force = await kube.SendAsync(HttpMethod.Patch, Deployments + "/web?force=true", new JsonObject(), "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, force.Code);

        await InstallWidgetsAsync(kube);
        await kube.CreateAsync(Widgets, Widget("w1"));
        var smp = await kube.PatchAsync(Widgets + "/w1", new JsonObject { ["spec"] = new JsonObject { ["color"] = "blue" } }, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, smp.Code);
        Assert.Equal("UnsupportedMediaType", smp.Reason);
    }

    [Fact] // 15 (the kubectl halves are in KubectlTests)
    public async Task Custom_resource_list_with_a_spec_field_selector_is_400_and_a_new_CRD_is_served_at_once()
    {
        await using var kube = await TestKube.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync(Widgets)).Code);
        var crd = await kube.CreateAsync(Crds, WidgetCrd());
        var conditions = crd["status"]!["conditions"]!.AsArray();
        Assert.Contains(conditions, c => c!["type"]!.ToString() == "Established" && c["status"]!.ToString() == "True");
        Assert.Contains(conditions, c => c!["type"]!.ToString() == "NamesAccepted" && c["status"]!.ToString() == "True");
        Assert.Equal("v1", crd["status"]!["storedVersions"]![0]!.ToString());
        Assert.Equal("Widget", crd["status"]!["acceptedNames"]!["kind"]!.ToString());

        var discovery = await kube.GetAsync("/apis/example.com/v1");
        Assert.Contains(discovery.Body["resources"]!.AsArray(), r => r!["name"]!.ToString() == "widgets/status");
        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync(Widgets)).Code);
        var bad = await kube.GetAsync(Widgets + "?fieldSelector=spec.foo%3Dbar");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Code);
        Assert.Equal("BadRequest", bad.Reason);
    }
}
