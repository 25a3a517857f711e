using System.Net;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>PATCH flavours, server-side apply ownership, and custom resources with schemas.</summary>
public sealed class PatchAndCrdTests
{
    [Fact]
    public async Task Apply_removes_fields_the_manager_owned_alone_and_keeps_shared_ones()
    {
        await using var kube = await TestKube.StartAsync();
        var withLabels = Deployment("web", 2, "app=nginx:1", "side=busybox:1");
        withLabels["metadata"]!["labels"] = new JsonObject { ["a"] = "1", ["b"] = "2" };
        Assert.Equal(HttpStatusCode.Created, (await kube.ApplyAsync(Deployments + "/web", withLabels, "ci")).Code);
        var shared = Deployment("web", 2, "app=nginx:1");
        shared["metadata"]!["labels"] = new JsonObject { ["b"] = "2" };
        var second = await kube.ApplyAsync(Deployments + "/web", shared, "other");
        Assert.True(second.Code == HttpStatusCode.OK, second.Body.ToJsonString());

        var trimmed = Deployment("web", 2, "app=nginx:1");
        trimmed["metadata"]!["labels"] = new JsonObject();
        var after = await kube.ApplyAsync(Deployments + "/web", trimmed, "ci");
        Assert.Equal(HttpStatusCode.OK, after.Code);
        var labels = after.Body["metadata"]!["labels"]!.AsObject();
        Assert.False(labels.ContainsKey("a"));
        Assert.Equal("2", labels["b"]!.ToString());
        var containers = after.Body["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["app"], containers.Select(c => c!["name"]!.ToString()));
    }

    [Fact]
    public async Task Put_and_merge_patch_record_Update_managed_fields_for_the_caller()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.SendAsync(HttpMethod.Post, Deployments + "?fieldManager=creator", Deployment("web"));
        var patched = await kube.SendAsync(HttpMethod.Patch, Deployments + "/web?fieldManager=scaler", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 3 } }, "application/merge-patch+json");
        var entries = patched.Body["metadata"]!["managedFields"]!.AsArray();
        var scaler = entries.Single(e => e!["manager"]!.ToString() == "scaler")!;
        Assert.Equal("Update", scaler["operation"]!.ToString());
        Assert.NotNull(scaler["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.Contains(entries, e => e!["manager"]!.ToString() == "creator");

        var conflict = await kube.ApplyAsync(Deployments + "/web", Deployment("web", 1), "applier");
        Assert.Equal(HttpStatusCode.Conflict, conflict.Code);
        Assert.Contains("conflict with \"scaler\" using apps/v1", conflict.Message);
    }

    [Fact]
    public async Task Apply_to_status_sets_only_status_and_apply_to_main_never_sets_status()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallWidgetsAsync(kube);
        var w = Widget("w1");
        w["status"] = new JsonObject { ["phase"] = "Ignored" };
        var created = await kube.ApplyAsync(Widgets + "/w1", w, "op");
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Null(created.Body["status"]);
        var status = Widget("w1", "blue");
        status["status"] = new JsonObject { ["phase"] = "Ready" };
        var s = await kube.ApplyAsync(Widgets + "/w1/status", status, "op");
        Assert.Equal(HttpStatusCode.OK, s.Code);
        Assert.Equal("Ready", s.Body["status"]!["phase"]!.ToString());
        Assert.Equal("red", s.Body["spec"]!["color"]!.ToString());
        var entry = s.Body["metadata"]!["managedFields"]!.AsArray().Single(m => m!["subresource"]?.ToString() == "status")!;
        Assert.Equal("Apply", entry["operation"]!.ToString());
    }

    [Fact]
    public async Task Strategic_merge_patch_honours_merge_keys_and_directives()
    {
        await using var kube = await TestKube.StartAsync();
        var d = Deployment("web", 1, "app=nginx:1", "side=busybox:1", "log=fluentd:1");
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["env"] = new JsonArray(new JsonObject { ["name"] = "A", ["value"] = "1" }, new JsonObject { ["name"] = "B", ["value"] = "2" });
        d["metadata"]!["finalizers"] = new JsonArray("x/a", "x/b");
        await kube.CreateAsync(Deployments, d);
        var patch = JsonNode.Parse("""
        {
          "metadata": {"$deleteFromPrimitiveList/finalizers": ["x/a"]},
          "spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "log"}, {"name": "app"}],
            "containers": [
              {"name": "app", "image": "nginx:2", "env": [{"name": "B", "$patch": "delete"}, {"name": "C", "value": "3"}]},
              {"name": "side", "$patch": "delete"}
            ]
          }}}
        }
        """)!;
        var r = await kube.PatchAsync(Deployments + "/web", patch, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.Code);
        var containers = r.Body["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["log", "app"], containers.Select(c => c!["name"]!.ToString()));
        var app = containers.Single(c => c!["name"]!.ToString() == "app")!;
        Assert.Equal("nginx:2", app["image"]!.ToString());
        Assert.Equal(["A", "C"], app["env"]!.AsArray().Select(e => e!["name"]!.ToString()).Order());
        Assert.Equal(["x/b"], r.Body["metadata"]!["finalizers"]!.AsArray().Select(f => f!.ToString()));

        var replace = JsonNode.Parse("""{"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "x:1"}], "$retainKeys": ["containers"]}}}}""")!;
        var r2 = await kube.PatchAsync(Deployments + "/web", replace, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r2.Code);
        var selectorSafe = JsonNode.Parse("""{"spec": {"template": {"metadata": {"labels": {"app": null}}}}}""")!;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await kube.PatchAsync(Deployments + "/web", selectorSafe, "application/strategic-merge-patch+json")).Code);
    }

    [Fact]
    public async Task Custom_resources_are_validated_defaulted_and_pruned_by_their_schema()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallWidgetsAsync(kube);
        var defaulted = await kube.CreateAsync(Widgets, Widget("w1"));
        Assert.Equal(1, (int)defaulted["spec"]!["replicas"]!);

        var invalid = Widget("w2", "green", -1);
        invalid["spec"]!["size"] = 5;
        var r = await kube.PostAsync(Widgets, invalid);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Code);
        Assert.Equal("Invalid", r.Reason);
        Assert.Equal("Widget", r.Body["details"]!["kind"]!.ToString());
        var causes = r.Body["details"]!["causes"]!.AsArray();
        Assert.Contains(causes, c => c!["field"]!.ToString() == "spec.color" && c["reason"]!.ToString() == "FieldValueNotSupported");
        Assert.Contains(causes, c => c!["field"]!.ToString() == "spec.replicas");
        Assert.Contains(causes, c => c!["field"]!.ToString() == "spec.size" && c["reason"]!.ToString() == "FieldValueTypeInvalid");
        Assert.StartsWith("Widget.example.com \"w2\" is invalid: [", r.Message);

        var missing = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w3" }, ["spec"] = new JsonObject() };
        var required = await kube.PostAsync(Widgets, missing);
        Assert.Contains(required.Body["details"]!["causes"]!.AsArray(), c => c!["reason"]!.ToString() == "FieldValueRequired" && c["field"]!.ToString() == "spec.color");

        var unknown = Widget("w4");
        unknown["spec"]!["foo"] = "bar";
        var strict = await kube.SendAsync(HttpMethod.Post, Widgets + "?fieldValidation=Strict", unknown);
        Assert.Equal(HttpStatusCode.BadRequest, strict.Code);
        Assert.Equal("strict decoding error: unknown field \"spec.foo\"", strict.Message);
        var warned = await kube.SendAsync(HttpMethod.Post, Widgets + "?fieldValidation=Warn", unknown);
        Assert.Equal(HttpStatusCode.Created, warned.Code);
        Assert.Contains(warned.Warnings, w => w.Contains("spec.foo"));
        Assert.Null(warned.Body["spec"]!["foo"]);
        unknown["metadata"]!["name"] = "w5";
        var ignored = await kube.SendAsync(HttpMethod.Post, Widgets + "?fieldValidation=Ignore", unknown);
        Assert.Equal(HttpStatusCode.Created, ignored.Code);
        Assert.Empty(ignored.Warnings);
    }

    [Fact]
    public async Task Invalid_CRDs_are_refused_and_deleting_a_CRD_deletes_its_resources()
    {
        await using var kube = await TestKube.StartAsync();
        var wrongName = WidgetCrd();
        wrongName["metadata"]!["name"] = "gadgets.example.com";
        var r = await kube.PostAsync(Crds, wrongName);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Code);
        Assert.Contains("metadata.name", r.Message);

        await InstallWidgetsAsync(kube);
        await kube.CreateAsync(Widgets, Widget("w1"));
        await using var watch = await kube.WatchAsync(Widgets + "?watch=true&resourceVersion=0");
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await kube.DeleteAsync(Crds + "/widgets.example.com")).Code);
        Assert.Equal("DELETED", (await watch.NextAsync())!["type"]!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync(Widgets)).Code);
        var discovery = await kube.GetAsync("/apis");
        Assert.DoesNotContain(discovery.Body["groups"]!.AsArray(), g => g!["name"]!.ToString() == "example.com");
    }

    [Fact]
    public async Task Manifests_with_several_documents_can_be_applied_in_process()
    {
        await using var kube = await TestKube.StartAsync();
        var yaml = "---\n" + Json(WidgetCrd()) + "\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  color: red\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: kube-system\ndata: {a: b}\n";
        await kube.Emulator.ApplyManifestAsync(yaml);
        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync(Widgets + "/w1")).Code);
        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync("/api/v1/namespaces/kube-system/configmaps/c")).Code);
        await kube.Emulator.ApplyManifestAsync(yaml);
        var bad = await Assert.ThrowsAsync<InvalidOperationException>(() => kube.Emulator.ApplyManifestAsync("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {color: green}\n"));
        Assert.Contains("Unsupported value", bad.Message);

        static string Json(JsonObject o) => o.ToJsonString();
    }

    [Fact]
    public async Task A_CRD_with_two_versions_serves_the_same_objects_under_both()
    {
        await using var kube = await TestKube.StartAsync();
        var crd = WidgetCrd();
        var v2 = crd["spec"]!["versions"]![0]!.DeepClone().AsObject();
        v2["name"] = "v2";
        v2["storage"] = false;
        crd["spec"]!["versions"]!.AsArray().Add(v2);
        await kube.CreateAsync(Crds, crd);
        await kube.CreateAsync(Widgets, Widget("w1"));
        var viaV2 = await kube.GetAsync("/apis/example.com/v2/namespaces/default/widgets/w1");
        Assert.Equal("example.com/v2", viaV2.Body["apiVersion"]!.ToString());
        var agg = await kube.GetAsync("/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        var group = agg.Body["items"]!.AsArray().Single(i => i!["metadata"]!["name"]!.ToString() == "example.com")!;
        Assert.Equal(2, group["versions"]!.AsArray().Count);
    }
}
