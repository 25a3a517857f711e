using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Client;

/// <summary>Our client over the library: the requests it makes for each call, as the API server sees them.</summary>
public sealed class KubeClientTests : IDisposable
{
    private const string ConfigMapJson = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"team","resourceVersion":"9"},"data":{"a":"b"}}""";

    private readonly FakeHttpHandler _handler = new();
    private readonly KubeClient _client;

    public KubeClientTests() =>
        _client = _handler.Client("https://api.example:6443/prefix/", "team", "secret", new KubeClientOptions { Qps = 0, UserAgent = "mloperator/test" });

    public void Dispose() => _client.Dispose();

    private RecordedRequest Request => Assert.Single(_handler.Requests);

    private static void JsonEqual(string expected, string? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual!)), $"expected {expected}\nactual   {actual}");

    [Fact]
    public async Task Get_uses_the_default_namespace_a_bearer_token_and_the_user_agent()
    {
        _handler.Respond(HttpStatusCode.OK, ConfigMapJson);

        var cm = await _client.GetAsync<V1ConfigMap>("cfg");

        Assert.Equal("b", cm.Data!["a"]);
        Assert.Equal(HttpMethod.Get, Request.Method);
        Assert.Equal("https://api.example:6443/prefix/api/v1/namespaces/team/configmaps/cfg", Request.Uri.ToString());
        Assert.Equal("Bearer secret", Request.Authorization);
        Assert.Equal("mloperator/test", Request.UserAgent);
    }

    [Fact]
    public async Task TryGet_returns_null_for_not_found_and_throws_for_other_errors()
    {
        _handler.Respond(HttpStatusCode.NotFound, FakeHttpHandler.Status(404, "NotFound", "configmaps \\\"x\\\" not found"));
        _handler.Respond(HttpStatusCode.Forbidden, FakeHttpHandler.Status(403, "Forbidden", "no"));

        Assert.Null(await _client.TryGetAsync<V1ConfigMap>("x", "other"));
        await Assert.ThrowsAsync<ForbiddenException>(() => _client.TryGetAsync<V1ConfigMap>("x", "other"));
    }

    [Fact]
    public async Task List_across_all_namespaces_passes_selectors_and_paging()
    {
        _handler.Respond(HttpStatusCode.OK, $$"""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"77","continue":"next"},"items":[{{ConfigMapJson}}]}""");

        var list = await _client.ListAsync<V1ConfigMap>(null, new ListOptions { LabelSelector = "app=web", Limit = 1 });

        Assert.Equal("/prefix/api/v1/configmaps?labelSelector=app%3Dweb&limit=1", Request.PathAndQuery);
        Assert.Equal("77", list.Metadata.ResourceVersion);
        Assert.Equal("next", list.Metadata.ContinueProperty);
        Assert.Equal("cfg", Assert.Single(list.Items).Metadata.Name);
    }

    [Fact]
    public async Task Create_posts_the_object_to_its_namespace_collection()
    {
        _handler.Respond(HttpStatusCode.Created, ConfigMapJson);
        var cm = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "cfg", NamespaceProperty = "other" }, Data = new Dictionary<string, string> { ["a"] = "b" } };

        await _client.CreateAsync(cm);

        Assert.Equal(HttpMethod.Post, Request.Method);
        Assert.Equal("/prefix/api/v1/namespaces/other/configmaps", Request.PathAndQuery);
        Assert.Equal("application/json", Request.ContentType);
        JsonEqual("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"other"},"data":{"a":"b"}}""", Request.Body);
    }

    [Fact]
    public async Task Update_and_update_status_put_to_the_object_and_its_status()
    {
        _handler.Respond(HttpStatusCode.OK, """{"metadata":{"name":"web"}}""").Respond(HttpStatusCode.OK, """{"metadata":{"name":"web"}}""");
        var deployment = new V1Deployment { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "risk", ResourceVersion = "3" } };

        await _client.UpdateAsync(deployment);
        await _client.UpdateStatusAsync(deployment);

        Assert.Equal(["/prefix/apis/apps/v1/namespaces/risk/deployments/web", "/prefix/apis/apps/v1/namespaces/risk/deployments/web/status"],
            _handler.Requests.Select(r => r.PathAndQuery));
        Assert.All(_handler.Requests, r => Assert.Equal(HttpMethod.Put, r.Method));
        Assert.Contains("\"resourceVersion\":\"3\"", _handler.Requests[0].Body);
    }

    [Theory]
    [InlineData(V1Patch.PatchType.MergePatch, "application/merge-patch+json")]
    [InlineData(V1Patch.PatchType.JsonPatch, "application/json-patch+json")]
    [InlineData(V1Patch.PatchType.StrategicMergePatch, "application/strategic-merge-patch+json")]
    public async Task Patch_sends_the_body_with_its_content_type(V1Patch.PatchType type, string contentType)
    {
        _handler.Respond(HttpStatusCode.OK, """{"metadata":{"name":"web"}}""");

        await _client.PatchAsync<V1Deployment>("web", "risk", new V1Patch("""{"spec":{"replicas":2}}""", type), "status");

        Assert.Equal(HttpMethod.Patch, Request.Method);
        Assert.Equal("/prefix/apis/apps/v1/namespaces/risk/deployments/web/status", Request.PathAndQuery);
        Assert.Equal(contentType, Request.ContentType);
        Assert.Equal("""{"spec":{"replicas":2}}""", Request.Body);
    }

    [Fact]
    public async Task Apply_patches_with_the_apply_content_type_field_manager_and_force_without_managed_fields()
    {
        _handler.Respond(HttpStatusCode.OK, """{"metadata":{"name":"w"}}""");
        var widget = new Widget
        {
            Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = "ml", ManagedFields = [new V1ManagedFieldsEntry { Manager = "old" }] },
            Spec = new() { ["size"] = "3" },
        };

        await _client.ApplyAsync(widget, new ApplyOptions("mloperator", Force: true));

        Assert.Equal(HttpMethod.Patch, Request.Method);
        Assert.Equal("/prefix/apis/test.mloperator.io/v1/namespaces/ml/widgets/w?fieldManager=mloperator&force=true", Request.PathAndQuery);
        Assert.Equal("application/apply-patch+yaml", Request.ContentType);
        JsonEqual("""{"apiVersion":"test.mloperator.io/v1","kind":"Widget","metadata":{"name":"w","namespace":"ml"},"spec":{"size":"3"}}""", Request.Body);
        Assert.NotNull(widget.Metadata.ManagedFields);
    }

    [Fact]
    public async Task Writes_without_result_send_what_their_full_forms_send()
    {
        for (var i = 0; i < 6; i++)
        {
            _handler.Respond(HttpStatusCode.OK, """{"metadata":{"name":"w"}}""");
        }

        IKubeClient client = _client;
        var widget = new Widget { Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = "ml" }, Spec = new() { ["size"] = "3" } };
        var patch = new V1Patch("""{"status":{"phase":"Ready"}}""", V1Patch.PatchType.MergePatch);
        await client.ApplyAsync(widget, new ApplyOptions("mloperator", Force: true));
        await client.ApplyWithoutResultAsync(widget, new ApplyOptions("mloperator", Force: true));
        await client.PatchAsync<Widget>("w", "ml", patch, "status");
        await client.PatchWithoutResultAsync<Widget>("w", "ml", patch, "status");
        await client.CreateAsync(widget);
        await client.CreateWithoutResultAsync(widget);

        var sent = _handler.Requests.Select(r => (r.Method, r.PathAndQuery, r.ContentType, r.Body)).ToList();
        Assert.Equal(sent[0], sent[1]);
        Assert.Equal(sent[2], sent[3]);
        Assert.Equal(sent[4], sent[5]);
    }

    [Fact]
    public async Task A_write_without_result_skips_a_body_its_kind_could_not_be_read_from()
    {
        // "replicas" as an object cannot become a V1Deployment: the full form fails on the body, the other never reads it.
        const string unreadable = """{"kind":"Deployment","metadata":{"name":"web","managedFields":[{"manager":"x"}]},"spec":{"replicas":{"no":[1,2,{"a":null}]}}}""";
        _handler.Respond(HttpStatusCode.OK, unreadable).Respond(HttpStatusCode.OK, unreadable);
        var deployment = new V1Deployment { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "risk" } };

        await _client.ApplyWithoutResultAsync(deployment, new ApplyOptions("mloperator", Force: true));
        await Assert.ThrowsAsync<System.Text.Json.JsonException>(() => _client.ApplyAsync(deployment, new ApplyOptions("mloperator", Force: true)));
    }

    [Fact]
    public async Task A_write_without_result_still_throws_the_decoded_status()
    {
        _handler.Respond(HttpStatusCode.Conflict, FakeHttpHandler.Status(409, "Conflict", "the object has been modified"))
            .Respond(HttpStatusCode.NotFound, FakeHttpHandler.Status(404, "NotFound", "events \\\"e\\\" not found"))
            .Respond(HttpStatusCode.Conflict, FakeHttpHandler.Status(409, "AlreadyExists", "events \\\"e\\\" already exists"));
        var widget = new Widget { Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = "ml" } };

        await Assert.ThrowsAsync<ConflictException>(() => _client.ApplyWithoutResultAsync(widget, new ApplyOptions("mloperator")));
        await Assert.ThrowsAsync<NotFoundException>(() => _client.PatchWithoutResultAsync<Corev1Event>("e", "ml", new V1Patch("{}", V1Patch.PatchType.MergePatch)));
        await Assert.ThrowsAsync<AlreadyExistsException>(() => _client.CreateWithoutResultAsync(widget));
    }

    [Fact]
    public async Task Apply_to_status_without_force_leaves_force_out()
    {
        _handler.Respond(HttpStatusCode.OK, """{"metadata":{"name":"w"}}""");

        await _client.ApplyAsync(new Widget { Metadata = new V1ObjectMeta { Name = "w" } }, new ApplyOptions("mgr", Subresource: "status"));

        Assert.Equal("/prefix/apis/test.mloperator.io/v1/namespaces/team/widgets/w/status?fieldManager=mgr", Request.PathAndQuery);
    }

    [Fact]
    public async Task Delete_sends_delete_options_with_propagation_and_preconditions()
    {
        _handler.Respond(HttpStatusCode.OK, """{"kind":"Status","apiVersion":"v1","status":"Success"}""");

        await _client.DeleteAsync<V1Namespace>("team", options: new DeleteOptions
        {
            PropagationPolicy = PropagationPolicy.Foreground,
            PreconditionUid = "u-1",
            PreconditionResourceVersion = "8",
            GracePeriodSeconds = 0,
        });

        Assert.Equal(HttpMethod.Delete, Request.Method);
        Assert.Equal("/prefix/api/v1/namespaces/team", Request.PathAndQuery);
        JsonEqual("""{"propagationPolicy":"Foreground","gracePeriodSeconds":0,"preconditions":{"uid":"u-1","resourceVersion":"8"}}""", Request.Body);
    }

    [Fact]
    public async Task Delete_without_options_sends_no_body_and_not_found_throws()
    {
        _handler.Respond(HttpStatusCode.NotFound, FakeHttpHandler.Status(404, "NotFound", "configmaps \\\"gone\\\" not found"));

        await Assert.ThrowsAsync<NotFoundException>(() => _client.DeleteAsync<V1ConfigMap>("gone"));
        Assert.Null(Request.Body);
    }

    [Fact]
    public async Task Watch_streams_events_from_the_query_it_builds()
    {
        _handler.Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(ChunkedStream.FromText(
                """{"type":"ADDED","object":{"kind":"Deployment","metadata":{"name":"a","resourceVersion":"2"}}}""" + "\n",
                """{"type":"BOOKMARK","object":{"kind":"Deployment","metadata":{"resourceVersion":"3"}}}""" + "\n")),
        });

        var events = new List<MlOperator.Operator.Kube.Models.WatchEvent<V1Deployment>>();
        await foreach (var e in _client.WatchAsync<V1Deployment>("risk", new WatchOptions { ResourceVersion = "1", TimeoutSeconds = 60 }))
        {
            events.Add(e);
        }

        Assert.Equal("/prefix/apis/apps/v1/namespaces/risk/deployments?allowWatchBookmarks=true&resourceVersion=1&timeoutSeconds=60&watch=true",
            Request.PathAndQuery);
        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark], events.Select(e => e.Type));
    }

    [Fact]
    public async Task Watch_that_fails_before_streaming_throws_the_decoded_status()
    {
        _handler.Respond(HttpStatusCode.Gone, FakeHttpHandler.Status(410, "Expired", "too old resource version: 1 (5)"));

        await Assert.ThrowsAsync<GoneException>(async () =>
        {
            await foreach (var _ in _client.WatchAsync<V1Deployment>("risk"))
            {
            }
        });
    }

    [Fact]
    public async Task An_expired_error_event_in_the_stream_throws_gone()
    {
        _handler.Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(ChunkedStream.FromText(
                """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}""" + "\n")),
        });

        var error = await Assert.ThrowsAsync<GoneException>(async () =>
        {
            await foreach (var _ in _client.WatchAsync<V1Deployment>("risk", new WatchOptions { ResourceVersion = "1" }))
            {
            }
        });

        Assert.Equal("too old resource version: 1 (5)", error.Message);
    }

    [Fact]
    public async Task Plain_http_servers_get_no_credentials()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ConfigMapJson);
        using var client = handler.Client("http://127.0.0.1:8080", token: "secret");

        await client.GetAsync<V1ConfigMap>("cfg", "team");

        Assert.Null(Assert.Single(handler.Requests).Authorization);
    }

    [Fact]
    public async Task Basic_auth_is_sent_when_the_user_has_a_password()
    {
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, ConfigMapJson);
        using var client = handler.Client(username: "admin", password: "pw");

        await client.GetAsync<V1ConfigMap>("cfg");

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:pw")), Assert.Single(handler.Requests).Authorization);
    }

    [Fact]
    public async Task Records_request_count_and_duration_with_verb_resource_and_code()
    {
        using var meter = new Meter(KubeClientMetrics.MeterName);
        var counts = new List<(string Name, long Value, Dictionary<string, object?> Tags)>();
        var durations = new List<(string Name, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => counts.Add((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => durations.Add((i.Name, Tags(tags))));
        listener.Start();
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.OK, """{"metadata":{"name":"web"}}""")
            .Respond(HttpStatusCode.Conflict, FakeHttpHandler.Status(409, "Conflict", "modified"));
        using var client = handler.Client(options: new KubeClientOptions { Meter = meter });

        await client.GetAsync<V1Deployment>("web");
        await Assert.ThrowsAsync<ConflictException>(() => client.UpdateStatusAsync(new V1Deployment { Metadata = new() { Name = "web" } }));

        Assert.Equal(
            [("kube_client_requests_total", 1L, "get", "deployments.apps", "200"), ("kube_client_requests_total", 1L, "update", "deployments.apps/status", "409")],
            counts.Select(c => (c.Name, c.Value, (string)c.Tags["verb"]!, (string)c.Tags["resource"]!, (string)c.Tags["code"]!)));
        Assert.Equal(
            [("kube_client_request_duration_seconds", "get", "deployments.apps"), ("kube_client_request_duration_seconds", "update", "deployments.apps/status")],
            durations.Select(d => (d.Name, (string)d.Tags["verb"]!, (string)d.Tags["resource"]!)));
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        return dictionary;
    }
}
