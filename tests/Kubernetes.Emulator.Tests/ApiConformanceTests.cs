using System.Net;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>API semantics beyond the numbered behaviour tests: metadata, defaults, errors, selectors, subresources.</summary>
public sealed class ApiConformanceTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Server_sets_uid_creationTimestamp_and_a_global_resourceVersion_and_ignores_client_values()
    {
        await using var kube = await TestKube.StartAsync();
        var cm = ConfigMap("c1");
        cm["metadata"]!["uid"] = "client-uid";
        cm["metadata"]!["creationTimestamp"] = "2000-01-01T00:00:00Z";
        var a = await kube.CreateAsync(ConfigMaps, cm);
        var b = await kube.CreateAsync(Deployments, Deployment("web"));
        Assert.NotEqual("client-uid", a["metadata"]!["uid"]!.ToString());
        Assert.NotEqual("2000-01-01T00:00:00Z", a["metadata"]!["creationTimestamp"]!.ToString());
        Assert.True(long.Parse(b["metadata"]!["resourceVersion"]!.ToString()) > long.Parse(a["metadata"]!["resourceVersion"]!.ToString()));
        Assert.Null(a["metadata"]!["generation"]);
        Assert.Equal(1, (int)b["metadata"]!["generation"]!);
        var list = await kube.GetAsync(ConfigMaps);
        Assert.Equal("ConfigMapList", list.Body["kind"]!.ToString());
        Assert.Equal(b["metadata"]!["resourceVersion"]!.ToString(), list.ResourceVersion);

        var withRv = ConfigMap("c2");
        withRv["metadata"]!["resourceVersion"] = "5";
        Assert.Equal(HttpStatusCode.BadRequest, (await kube.PostAsync(ConfigMaps, withRv)).Code);
    }

    [Fact]
    public async Task Deployment_defaults_selector_rules_and_generation_on_annotation_change()
    {
        await using var kube = await TestKube.StartAsync();
        var d = await kube.CreateAsync(Deployments, Deployment("web"));
        Assert.Equal(1, (int)d["spec"]!["replicas"]!);
        Assert.Equal("RollingUpdate", d["spec"]!["strategy"]!["type"]!.ToString());
        Assert.Equal("25%", d["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"]!.ToString());
        Assert.Equal("25%", d["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!.ToString());

        var mismatch = Deployment("bad");
        mismatch["spec"]!["template"]!["metadata"]!["labels"]!["app"] = "other";
        var r = await kube.PostAsync(Deployments, mismatch);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Code);
        Assert.Equal("Invalid", r.Reason);
        Assert.Equal("Deployment", r.Body["details"]!["kind"]!.ToString());
        Assert.Contains(r.Body["details"]!["causes"]!.AsArray(), c => c!["field"]!.ToString() == "spec.template.metadata.labels");

        var annotated = await kube.PatchAsync(Deployments + "/web", new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["a"] = "b" } } }, "application/merge-patch+json");
        Assert.Equal(2, (int)annotated.Body["metadata"]!["generation"]!);
        var labelled = await kube.PatchAsync(Deployments + "/web", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["a"] = "b" } } }, "application/merge-patch+json");
        Assert.Equal(2, (int)labelled.Body["metadata"]!["generation"]!);

        var newSelector = annotated.Body.DeepClone().AsObject();
        newSelector["spec"]!["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web", ["v"] = "2" } };
        newSelector["spec"]!["template"]!["metadata"]!["labels"]!["v"] = "2";
        newSelector["metadata"]!.AsObject().Remove("resourceVersion");
        var immutable = await kube.PutAsync(Deployments + "/web", newSelector);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, immutable.Code);
        Assert.Contains("field is immutable", immutable.Message);
    }

    [Fact]
    public async Task Service_gets_a_cluster_ip_kept_on_update_and_port_defaults()
    {
        await using var kube = await TestKube.StartAsync();
        var svc = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["app"] = "web" }, ["ports"] = new JsonArray(new JsonObject { ["port"] = 8080 }) },
        };
        var created = await kube.CreateAsync("/api/v1/namespaces/default/services", svc);
        var ip = created["spec"]!["clusterIP"]!.ToString();
        Assert.StartsWith("10.", ip);
        Assert.Equal("ClusterIP", created["spec"]!["type"]!.ToString());
        Assert.Equal("TCP", created["spec"]!["ports"]![0]!["protocol"]!.ToString());
        Assert.Equal(8080, (int)created["spec"]!["ports"]![0]!["targetPort"]!);
        Assert.Null(created["metadata"]!["generation"]);
        var updated = await kube.PutAsync("/api/v1/namespaces/default/services/web", svc);
        Assert.Equal(HttpStatusCode.OK, updated.Code);
        Assert.Equal(ip, updated.Body["spec"]!["clusterIP"]!.ToString());
        var second = svc.DeepClone().AsObject();
        second["metadata"]!["name"] = "api";
        Assert.NotEqual(ip, (await kube.CreateAsync("/api/v1/namespaces/default/services", second))["spec"]!["clusterIP"]!.ToString());
    }

    [Fact]
    public async Task Hpa_and_ingress_defaults_and_validation()
    {
        await using var kube = await TestKube.StartAsync();
        var hpa = await kube.CreateAsync("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = new JsonObject { ["maxReplicas"] = 5, ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = "web" } },
        });
        Assert.Equal(1, (int)hpa["spec"]!["minReplicas"]!);
        Assert.Equal(80, (int)hpa["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]!);

        var ing = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = JsonNode.Parse("""{"rules":[{"http":{"paths":[{"path":"/","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}"""),
        };
        var bad = await kube.PostAsync("/apis/networking.k8s.io/v1/namespaces/default/ingresses", ing);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Code);
        Assert.Contains("spec.rules[0].http.paths[0].pathType: Required value", bad.Message);
        ing["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["pathType"] = "Prefix";
        await kube.CreateAsync("/apis/networking.k8s.io/v1/namespaces/default/ingresses", ing);
    }

    [Fact]
    public async Task Quantities_are_canonicalised_in_container_resources_and_quota()
    {
        await using var kube = await TestKube.StartAsync();
        var d = Deployment("web");
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = "0.5", ["memory"] = "1024Mi" },
            ["limits"] = new JsonObject { ["cpu"] = "1000m", ["nvidia.com/gpu"] = 1 },
        };
        var created = await kube.CreateAsync(Deployments, d);
        var res = created["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!;
        Assert.Equal("500m", res["requests"]!["cpu"]!.ToString());
        Assert.Equal("1Gi", res["requests"]!["memory"]!.ToString());
        Assert.Equal("1", res["limits"]!["cpu"]!.ToString());
        Assert.Equal("1", res["limits"]!["nvidia.com/gpu"]!.ToString());

        var quota = await kube.CreateAsync("/api/v1/namespaces/default/resourcequotas", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "q" },
            ["spec"] = new JsonObject { ["hard"] = new JsonObject { ["requests.cpu"] = "2000m", ["requests.memory"] = "2048Mi" } },
        });
        Assert.Equal("2", quota["spec"]!["hard"]!["requests.cpu"]!.ToString());
        Assert.Equal("2Gi", quota["spec"]!["hard"]!["requests.memory"]!.ToString());

        var bad = Deployment("bad");
        bad["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "lots" } };
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await kube.PostAsync(Deployments, bad)).Code);
    }

    [Fact]
    public async Task Bad_input_gets_a_Status_never_a_500()
    {
        await using var kube = await TestKube.StartAsync();
        var malformed = await kube.SendAsync(HttpMethod.Post, ConfigMaps, rawBody: "{\"metadata\": {", contentType: "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Code);
        Assert.Equal("Status", malformed.Body["kind"]!.ToString());

        var yaml = await kube.SendAsync(HttpMethod.Post, ConfigMaps, rawBody: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: \"1\"\n", contentType: "application/yaml");
        Assert.Equal(HttpStatusCode.Created, yaml.Code);
        var badYaml = await kube.SendAsync(HttpMethod.Post, ConfigMaps, rawBody: "metadata: [unclosed", contentType: "application/yaml");
        Assert.Equal(HttpStatusCode.BadRequest, badYaml.Code);

        var duplicate = await kube.SendAsync(HttpMethod.Post, ConfigMaps, rawBody: "{\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}", contentType: "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Code);
        var deep = await kube.SendAsync(HttpMethod.Post, ConfigMaps, rawBody: "data:\n" + string.Concat(Enumerable.Range(1, 200).Select(i => new string(' ', i) + "k:\n")), contentType: "application/yaml");
        Assert.Equal(HttpStatusCode.BadRequest, deep.Code);
        var text = await kube.SendAsync(HttpMethod.Post, ConfigMaps, rawBody: "hello", contentType: "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.Code);

        var unknown = ConfigMap("strict");
        unknown["bogus"] = 1;
        var strict = await kube.SendAsync(HttpMethod.Post, ConfigMaps + "?fieldValidation=Strict", unknown);
        Assert.Equal(HttpStatusCode.BadRequest, strict.Code);
        Assert.Equal("strict decoding error: unknown field \"bogus\"", strict.Message);
        var warn = await kube.SendAsync(HttpMethod.Post, ConfigMaps + "?fieldValidation=Warn", unknown);
        Assert.Equal(HttpStatusCode.Created, warn.Code);
        Assert.Contains(warn.Warnings, w => w.Contains("unknown field"));
        Assert.Null(warn.Body["bogus"]);

        var wrongType = ConfigMap("typed");
        wrongType["metadata"]!["name"] = 42;
        Assert.Equal(HttpStatusCode.BadRequest, (await kube.PostAsync(ConfigMaps, wrongType)).Code);

        var badName = await kube.PostAsync(ConfigMaps, ConfigMap("Bad_Name"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badName.Code);
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", badName.Message);

        var noNs = await kube.PostAsync("/api/v1/namespaces/missing/configmaps", ConfigMap("c"));
        Assert.Equal(HttpStatusCode.NotFound, noNs.Code);
        Assert.Equal("namespaces \"missing\" not found", noNs.Message);

        var mismatch = ConfigMap("c");
        mismatch["metadata"]!["namespace"] = "kube-system";
        Assert.Equal(HttpStatusCode.BadRequest, (await kube.PostAsync(ConfigMaps, mismatch)).Code);
        await kube.CreateAsync(ConfigMaps, ConfigMap("named"));
        Assert.Equal(HttpStatusCode.BadRequest, (await kube.PutAsync(ConfigMaps + "/named", ConfigMap("other"))).Code);

        var notFound = await kube.GetAsync(Deployments + "/nope");
        Assert.Equal("deployments.apps \"nope\" not found", notFound.Message);
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync("/apis/nope.io/v1/things")).Code);
        Assert.Equal(HttpStatusCode.BadRequest, (await kube.GetAsync(ConfigMaps + "?labelSelector=a%20in%20(b")).Code);
        Assert.Equal(HttpStatusCode.BadRequest, (await kube.GetAsync(ConfigMaps + "?watch=true&resourceVersion=abc")).Code);
        Assert.Equal(HttpStatusCode.BadRequest, (await kube.PatchAsync(ConfigMaps + "/named", new JsonObject(), "application/json-patch+json")).Code);
        var failedTest = await kube.SendAsync(HttpMethod.Patch, ConfigMaps + "/named", rawBody: """[{"op":"test","path":"/data/k","value":"nope"}]""", contentType: "application/json-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failedTest.Code);
        var rvPrecondition = await kube.SendAsync(HttpMethod.Patch, ConfigMaps + "/named", rawBody: """[{"op":"replace","path":"/metadata/resourceVersion","value":"1"}]""", contentType: "application/json-patch+json");
        Assert.Equal(HttpStatusCode.Conflict, rvPrecondition.Code);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await kube.SendAsync(HttpMethod.Post, ConfigMaps + "/named", ConfigMap("named"))).Code);
    }

    [Fact]
    public async Task Selectors_limit_continue_and_all_namespace_lists()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync("/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "team-a" } });
        for (var i = 0; i < 5; i++)
        {
            var cm = ConfigMap($"c{i}");
            cm["metadata"]!["labels"] = new JsonObject { ["n"] = i.ToString(), ["even"] = (i % 2 == 0).ToString().ToLowerInvariant() };
            await kube.CreateAsync(i < 3 ? ConfigMaps : "/api/v1/namespaces/team-a/configmaps", cm);
        }
        async Task<string[]> Names(string query) =>
            [.. (await kube.GetAsync("/api/v1/configmaps?" + query)).Body["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString())];
        Assert.Equal(5, (await Names("")).Length);
        Assert.Equal(["c0", "c2", "c4"], await Names("labelSelector=even%3Dtrue"));
        Assert.Equal(["c0", "c2", "c4"], await Names("labelSelector=even%3D%3Dtrue"));
        Assert.Equal(["c1", "c3"], await Names("labelSelector=even!%3Dtrue"));
        Assert.Equal(["c1", "c2"], await Names("labelSelector=n%20in%20(1,2)"));
        Assert.Equal(["c0", "c3", "c4"], await Names("labelSelector=n%20notin%20(1,2)"));
        Assert.Equal(5, (await Names("labelSelector=n")).Length);
        Assert.Empty(await Names("labelSelector=!n"));
        Assert.Equal(["c3", "c4"], await Names("fieldSelector=metadata.namespace%3Dteam-a"));
        Assert.Equal(["c1"], await Names("fieldSelector=metadata.name%3Dc1"));

        var page1 = await kube.GetAsync(ConfigMaps + "?limit=2");
        Assert.Equal(2, page1.Body["items"]!.AsArray().Count);
        var token = page1.Body["metadata"]!["continue"]!.ToString();
        var page2 = await kube.GetAsync(ConfigMaps + "?limit=2&continue=" + Uri.EscapeDataString(token));
        Assert.Single(page2.Body["items"]!.AsArray());
        Assert.Null(page2.Body["metadata"]!["continue"]);
    }

    [Fact]
    public async Task Delete_honours_preconditions_propagation_in_body_or_query_and_returns_Status_or_Pod()
    {
        await using var kube = await TestKube.StartAsync();
        var cm = await kube.CreateAsync(ConfigMaps, ConfigMap("c1"));
        var wrongUid = await kube.DeleteAsync(ConfigMaps + "/c1", new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = "nope" } });
        Assert.Equal(HttpStatusCode.Conflict, wrongUid.Code);
        var wrongRv = await kube.DeleteAsync(ConfigMaps + "/c1", new JsonObject { ["preconditions"] = new JsonObject { ["resourceVersion"] = "1" } });
        Assert.Equal(HttpStatusCode.Conflict, wrongRv.Code);
        var ok = await kube.DeleteAsync(ConfigMaps + "/c1?propagationPolicy=Background", new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = cm["metadata"]!["uid"]!.ToString() } });
        Assert.Equal(HttpStatusCode.OK, ok.Code);
        Assert.Equal("Success", ok.Body["status"]!.ToString());
        Assert.Equal("configmaps", ok.Body["details"]!["kind"]!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await kube.DeleteAsync(ConfigMaps + "/c1")).Code);

        await kube.CreateAsync("/api/v1/namespaces/default/pods", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "p" },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "busybox" }) },
        });
        var pod = await kube.DeleteAsync("/api/v1/namespaces/default/pods/p");
        Assert.Equal("Pod", pod.Body["kind"]!.ToString());
    }

    [Fact]
    public async Task Deleting_a_namespace_removes_its_objects()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync("/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "gone" } });
        await kube.CreateAsync("/api/v1/namespaces/gone/configmaps", ConfigMap("c"));
        Assert.Equal(HttpStatusCode.OK, (await kube.DeleteAsync("/api/v1/namespaces/gone")).Code);
        Assert.Empty((await kube.GetAsync("/api/v1/configmaps")).Body["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await kube.PostAsync("/api/v1/namespaces/gone/configmaps", ConfigMap("c"))).Code);
    }

    [Fact]
    public async Task Scale_subresource_reads_and_writes_replicas_for_deployments_and_custom_resources()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync(Deployments, Deployment("web", 2));
        var scale = await kube.GetAsync(Deployments + "/web/scale");
        Assert.Equal("Scale", scale.Body["kind"]!.ToString());
        Assert.Equal("autoscaling/v1", scale.Body["apiVersion"]!.ToString());
        Assert.Equal(2, (int)scale.Body["spec"]!["replicas"]!);
        Assert.Equal("app=web", scale.Body["status"]!["selector"]!.ToString());
        var patched = await kube.PatchAsync(Deployments + "/web/scale", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 4 } }, "application/merge-patch+json");
        Assert.Equal(4, (int)patched.Body["spec"]!["replicas"]!);
        Assert.Equal(4, (int)(await kube.GetAsync(Deployments + "/web")).Body["spec"]!["replicas"]!);

        await InstallWidgetsAsync(kube);
        await kube.CreateAsync(Widgets, Widget("w1", replicas: 1));
        var ws = (await kube.GetAsync(Widgets + "/w1/scale")).Body;
        ws["spec"]!["replicas"] = 7;
        Assert.Equal(HttpStatusCode.OK, (await kube.PutAsync(Widgets + "/w1/scale", ws)).Code);
        Assert.Equal(7, (int)(await kube.GetAsync(Widgets + "/w1")).Body["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Core_and_events_k8s_io_events_are_views_of_one_store()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateAsync("/apis/events.k8s.io/v1/namespaces/default/events", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "e1" },
            ["regarding"] = new JsonObject { ["kind"] = "Deployment", ["name"] = "web" },
            ["reason"] = "Scaled", ["note"] = "scaled to 3", ["type"] = "Normal",
            ["eventTime"] = "2025-01-01T00:00:00.000000Z", ["reportingController"] = "mlop", ["reportingInstance"] = "mlop-1", ["action"] = "Scale",
        });
        var core = await kube.GetAsync("/api/v1/namespaces/default/events/e1");
        Assert.Equal("v1", core.Body["apiVersion"]!.ToString());
        Assert.Equal("scaled to 3", core.Body["message"]!.ToString());
        Assert.Equal("web", core.Body["involvedObject"]!["name"]!.ToString());
        var v1 = await kube.GetAsync("/apis/events.k8s.io/v1/namespaces/default/events");
        var item = v1.Body["items"]![0]!;
        Assert.Equal("events.k8s.io/v1", item["apiVersion"]!.ToString());
        Assert.Equal("scaled to 3", item["note"]!.ToString());
    }

    [Fact]
    public async Task Events_can_be_selected_by_involved_object_as_kubectl_describe_does()
    {
        await using var kube = await TestKube.StartAsync();
        foreach (var (name, target) in new[] { ("e1", "web"), ("e2", "api") })
            await kube.CreateAsync("/api/v1/namespaces/default/events", new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name },
                ["involvedObject"] = new JsonObject { ["kind"] = "Deployment", ["name"] = target, ["namespace"] = "default" },
                ["reason"] = "Scaled", ["message"] = "m", ["type"] = "Normal",
            });
        var r = await kube.GetAsync("/api/v1/namespaces/default/events?fieldSelector=" + Uri.EscapeDataString("involvedObject.name=web,involvedObject.namespace=default,involvedObject.kind=Deployment"));
        Assert.Equal("e1", Assert.Single(r.Body["items"]!.AsArray())!["metadata"]!["name"]!.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, (await kube.GetAsync("/api/v1/namespaces/default/configmaps?fieldSelector=data.k%3Dv")).Code);
    }

    [Fact]
    public async Task Leases_round_trip_micro_times_and_keep_no_generation()
    {
        await using var kube = await TestKube.StartAsync();
        var lease = await kube.CreateAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "leader" },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = "pod-1", ["leaseDurationSeconds"] = 15, ["leaseTransitions"] = 0,
                ["acquireTime"] = "2025-01-01T00:00:00.123456Z", ["renewTime"] = "2025-01-01T00:00:05.654321Z",
            },
        });
        Assert.Equal("2025-01-01T00:00:05.654321Z", lease["spec"]!["renewTime"]!.ToString());
        Assert.Null(lease["metadata"]!["generation"]);
    }

    [Fact]
    public async Task Table_requests_get_kubes_printer_columns_for_built_ins_and_printer_columns_for_custom_resources()
    {
        const string table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
        var time = new ManualTime();
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { TimeProvider = time });
        await kube.CreateAsync(Deployments, Deployment("web"));
        time.Advance(TimeSpan.FromSeconds(150));
        var builtIn = await kube.GetAsync(Deployments, table);
        Assert.Equal("Table", builtIn.Body["kind"]!.ToString());
        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"], builtIn.Body["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.ToString()));
        Assert.Equal(["web", "0/1", "0", "0", "2m30s", "app", "nginx:1", "app=web"], builtIn.Body["rows"]![0]!["cells"]!.AsArray().Select(c => c!.ToString()));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1], builtIn.Body["columnDefinitions"]!.AsArray().Select(c => (int)c!["priority"]!));
        Assert.Equal("PartialObjectMetadata", builtIn.Body["rows"]![0]!["object"]!["kind"]!.ToString());

        await InstallWidgetsAsync(kube);
        await kube.CreateAsync(Widgets, Widget("w1", "blue", 2));
        var custom = await kube.GetAsync(Widgets + "/w1", table);
        Assert.Equal(["Name", "Color", "Replicas"], custom.Body["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.ToString()));
        Assert.Equal(["w1", "blue", "2"], custom.Body["rows"]![0]!["cells"]!.AsArray().Select(c => c!.ToString()));
    }

    [Fact]
    public async Task Version_openapi_and_legacy_discovery_serve_what_kubectl_reads()
    {
        await using var kube = await TestKube.StartAsync();
        var version = await kube.GetAsync("/version");
        Assert.Equal("1", version.Body["major"]!.ToString());
        Assert.Equal("33", version.Body["minor"]!.ToString());
        var index = await kube.GetAsync("/openapi/v3");
        var coreUrl = index.Body["paths"]!["api/v1"]!["serverRelativeURL"]!.ToString();
        var doc = await kube.GetAsync(coreUrl);
        var nsPatch = doc.Body["paths"]!["/api/v1/namespaces/{name}"]!["patch"]!;
        Assert.Equal("Namespace", nsPatch["x-kubernetes-group-version-kind"]!["kind"]!.ToString());
        Assert.Contains(nsPatch["parameters"]!.AsArray(), p => p!["name"]!.ToString() == "fieldValidation");
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync("/openapi/v2")).Code);

        var apiV1 = await kube.GetAsync("/api/v1");
        Assert.Contains(apiV1.Body["resources"]!.AsArray(), r => r!["name"]!.ToString() == "pods/status");
        var apps = await kube.GetAsync("/apis/apps/v1");
        var scale = apps.Body["resources"]!.AsArray().Single(r => r!["name"]!.ToString() == "deployments/scale");
        Assert.Equal("Scale", scale!["kind"]!.ToString());
        var deployments = apps.Body["resources"]!.AsArray().Single(r => r!["name"]!.ToString() == "deployments");
        Assert.Contains("deploy", deployments!["shortNames"]!.AsArray().Select(s => s!.ToString()));
        Assert.Equal("APIVersions", (await kube.GetAsync("/api")).Body["kind"]!.ToString());
    }
}
