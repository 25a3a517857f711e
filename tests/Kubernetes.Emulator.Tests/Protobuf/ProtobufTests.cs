using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Protobuf;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests.Protobuf;

/// <summary>kube's protobuf envelope on the wire: typed kubectl commands' bodies, protobuf-only clients, bad bodies.</summary>
public sealed class ProtobufTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static async Task<(HttpStatusCode Code, byte[] Body, string ContentType)> PostProtobufAsync(TestKube kube, string path, byte[] body, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(KubeProtobuf.MediaType);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await kube.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.ToString() ?? "");
    }

    private static JsonObject Status(byte[] body) => JsonNode.Parse(body)!.AsObject();

    [Fact]
    public async Task A_protobuf_deployment_is_stored_as_the_same_object_as_its_json_twin()
    {
        await using var kube = await TestKube.StartAsync();
        var twin = Deployment("web", 2);
        var d = Deployment("web", 2);
        foreach (var o in new[] { twin, d })
        {
            var c = o["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
            c["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "TCP" });
            c["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "500m", ["nvidia.com/gpu"] = "1" } };
            c["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/v2/health/ready", ["port"] = 8080 }, ["periodSeconds"] = 5 };
            o["spec"]!["template"]!["spec"]!["volumes"] = new JsonArray(new JsonObject { ["name"] = "cache", ["emptyDir"] = new JsonObject() });
            o["spec"]!["strategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 1, ["maxUnavailable"] = "0%" } };
        }
        await kube.CreateAsync("/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "twin" } });
        await kube.CreateAsync("/apis/apps/v1/namespaces/twin/deployments", twin);
        var (code, body, _) = await PostProtobufAsync(kube, Deployments, KubeProtobuf.Encode(d)!);
        Assert.Equal(HttpStatusCode.Created, code);

        var fromProto = (await kube.GetAsync(Deployments + "/web")).Body;
        var fromJson = (await kube.GetAsync("/apis/apps/v1/namespaces/twin/deployments/web")).Body;
        Assert.True(JsonNode.DeepEquals(fromJson["spec"], fromProto["spec"]), $"{fromJson["spec"]}\n{fromProto["spec"]}");
        var probe = fromProto["spec"]!["template"]!["spec"]!["containers"]![0]!["readinessProbe"]!;
        Assert.Equal("/v2/health/ready", probe["httpGet"]!["path"]!.ToString());
        Assert.Equal(8080, (int)probe["httpGet"]!["port"]!);
        Assert.Equal("0%", fromProto["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!.ToString());
        Assert.Equal("web", Status(body)["metadata"]!["name"]!.ToString());
    }

    [Fact]
    public async Task Secret_bytes_and_quota_quantities_decode_to_their_json_forms()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "creds", ["labels"] = new JsonObject { ["a"] = "b" } },
            ["data"] = new JsonObject { ["token"] = Convert.ToBase64String("s3cret"u8.ToArray()) },
        };
        Assert.Equal(HttpStatusCode.Created, (await PostProtobufAsync(kube, "/api/v1/namespaces/default/secrets", KubeProtobuf.Encode(secret)!)).Code);
        var stored = (await kube.GetAsync("/api/v1/namespaces/default/secrets/creds")).Body;
        Assert.Equal("czNjcmV0", stored["data"]!["token"]!.ToString());
        Assert.Equal("Opaque", stored["type"]!.ToString());
        Assert.Equal("b", stored["metadata"]!["labels"]!["a"]!.ToString());

        var quota = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ResourceQuota", ["metadata"] = new JsonObject { ["name"] = "gpu" },
            ["spec"] = new JsonObject { ["hard"] = new JsonObject { ["requests.nvidia.com/gpu"] = "4", ["requests.memory"] = "1024Mi" } },
        };
        Assert.Equal(HttpStatusCode.Created, (await PostProtobufAsync(kube, "/api/v1/namespaces/default/resourcequotas", KubeProtobuf.Encode(quota)!)).Code);
        var hard = (await kube.GetAsync("/api/v1/namespaces/default/resourcequotas/gpu")).Body["spec"]!["hard"]!;
        Assert.Equal("4", hard["requests.nvidia.com/gpu"]!.ToString());
        Assert.Equal("1Gi", hard["requests.memory"]!.ToString());
    }

    [Fact]
    public async Task A_client_that_accepts_only_protobuf_gets_protobuf_back()
    {
        await using var kube = await TestKube.StartAsync();
        var (code, body, contentType) = await PostProtobufAsync(kube, ConfigMaps, KubeProtobuf.Encode(ConfigMap("c1", "v1"))!, accept: KubeProtobuf.MediaType);
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal(KubeProtobuf.MediaType, contentType);
        var (apiVersion, kind, raw) = KubeProtobuf.ReadEnvelope(body);
        Assert.Equal(("v1", "ConfigMap"), (apiVersion, kind));
        var decoded = KubeProtobuf.DecodeObject(raw, ProtoSchema.RootMessage(apiVersion, kind)!, apiVersion, kind);
        Assert.Equal("v1", decoded["data"]!["k"]!.ToString());
        Assert.False(string.IsNullOrEmpty(decoded["metadata"]!["uid"]?.ToString()));
    }

    [Fact]
    public async Task A_kind_without_a_table_is_415_with_the_apply_hint()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallWidgetsAsync(kube);
        // Custom resources have no protobuf form (kube serves them as JSON only).
        var (_, _, raw) = KubeProtobuf.ReadEnvelope(KubeProtobuf.Encode(ConfigMap("w1"))!);
        var (code, response, _) = await PostProtobufAsync(kube, Widgets, Envelope("example.com/v1", "Widget", raw));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        Assert.Contains("not Widget in example.com/v1: use kubectl apply", Status(response)["message"]!.ToString());
    }

    [Fact]
    public async Task Malformed_protobuf_is_400_with_kubes_decode_message()
    {
        await using var kube = await TestKube.StartAsync();
        var (code, body, _) = await PostProtobufAsync(kube, ConfigMaps, "{\"kind\":\"ConfigMap\"}"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, code);
        var status = Status(body);
        Assert.Equal("Status", status["kind"]!.ToString());
        Assert.Equal("BadRequest", status["reason"]!.ToString());
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]", status["message"]!.ToString());

        var valid = KubeProtobuf.Encode(ConfigMap("c1"))!;
        var truncated = await PostProtobufAsync(kube, ConfigMaps, valid[..^3]);
        Assert.Equal(HttpStatusCode.BadRequest, truncated.Code);
        Assert.StartsWith("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: proto: ", Status(truncated.Body)["message"]!.ToString());
    }

    /// <summary>kube's envelope around the given object bytes, claiming the given apiVersion and kind.</summary>
    private static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        static byte[] Message(Action<Google.Protobuf.CodedOutputStream> write)
        {
            using var stream = new MemoryStream();
            var output = new Google.Protobuf.CodedOutputStream(stream);
            write(output);
            output.Flush();
            return stream.ToArray();
        }
        var typeMeta = Message(o =>
        {
            o.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            o.WriteString(apiVersion);
            o.WriteTag(2, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            o.WriteString(kind);
        });
        var unknown = Message(o =>
        {
            o.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            o.WriteBytes(Google.Protobuf.ByteString.CopyFrom(typeMeta));
            o.WriteTag(2, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            o.WriteBytes(Google.Protobuf.ByteString.CopyFrom(raw));
        });
        return [0x6b, 0x38, 0x73, 0x00, .. unknown];
    }
}
