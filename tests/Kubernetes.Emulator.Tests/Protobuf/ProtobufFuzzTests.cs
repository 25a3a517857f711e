using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Protobuf;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests.Protobuf;

/// <summary>The decoder under hostile input: mutated and random bodies end as an object or a 400, never anything else.</summary>
public sealed class ProtobufFuzzTests
{
    private static IEnumerable<(string Path, byte[] Body)> Seeds()
    {
        var d = Deployment("web", 3, "app=nginx:1", "sidecar=busybox:1");
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = new JsonObject { ["limits"] = new JsonObject { ["nvidia.com/gpu"] = "1" } };
        d["metadata"]!["annotations"] = new JsonObject { ["a"] = "b" };
        yield return (Manifests.Deployments, KubeProtobuf.Encode(d)!);
        yield return ("/api/v1/namespaces/default/configmaps", KubeProtobuf.Encode(ConfigMap("c1", "value"))!);
        yield return ("/api/v1/namespaces", KubeProtobuf.Encode(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "team-a" } })!);
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = seed.ToArray();
        switch (random.Next(5))
        {
            case 0:
                for (var i = 0; i < 1 + random.Next(4); i++) bytes[4 + random.Next(bytes.Length - 4)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1:
                return bytes[..(4 + random.Next(bytes.Length - 4))];
            case 2:
                bytes[4 + random.Next(bytes.Length - 4)] = (byte)random.Next(256);
                return bytes;
            case 3:
                var junk = new byte[random.Next(1, 64)];
                random.NextBytes(junk);
                return [.. bytes[..4], .. junk];
            default:
                var at = 4 + random.Next(bytes.Length - 4);
                var insert = new byte[random.Next(1, 8)];
                random.NextBytes(insert);
                return [.. bytes[..at], .. insert, .. bytes[at..]];
        }
    }

    [Fact]
    public void Mutated_envelopes_decode_or_fail_as_decode_errors_only()
    {
        var random = new Random(20250601);
        foreach (var (_, seed) in Seeds())
            for (var i = 0; i < 3000; i++)
            {
                var body = Mutate(random, seed);
                try
                {
                    var (apiVersion, kind, raw) = KubeProtobuf.ReadEnvelope(body);
                    if (ProtoSchema.RootMessage(apiVersion, kind) is { } message)
                    {
                        var obj = KubeProtobuf.DecodeObject(raw, message, apiVersion, kind);
                        Assert.NotNull(obj.ToJsonString());
                    }
                }
                catch (ProtobufDecodeException)
                {
                }
            }
    }

    [Fact]
    public void Encoding_then_decoding_gives_back_the_object()
    {
        foreach (var (_, seed) in Seeds())
        {
            var (apiVersion, kind, raw) = KubeProtobuf.ReadEnvelope(seed);
            var once = KubeProtobuf.DecodeObject(raw, ProtoSchema.RootMessage(apiVersion, kind)!, apiVersion, kind);
            var (_, _, raw2) = KubeProtobuf.ReadEnvelope(KubeProtobuf.Encode(once)!);
            var twice = KubeProtobuf.DecodeObject(raw2, ProtoSchema.RootMessage(apiVersion, kind)!, apiVersion, kind);
            Assert.True(JsonNode.DeepEquals(once, twice), $"{once}\n{twice}");
        }
    }

    [Fact]
    public async Task Hostile_protobuf_bodies_over_http_are_never_a_server_error()
    {
        await using var kube = await TestKube.StartAsync();
        var random = new Random(7);
        foreach (var (path, seed) in Seeds())
            for (var i = 0; i < 150; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Mutate(random, seed)) };
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(KubeProtobuf.MediaType);
                using var response = await kube.Http.SendAsync(request);
                Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                if (response.StatusCode == HttpStatusCode.BadRequest)
                    Assert.Equal("Status", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["kind"]!.ToString());
            }
    }
}
