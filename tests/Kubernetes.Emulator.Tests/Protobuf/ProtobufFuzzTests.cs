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

    /// <summary>Random well-formed messages for every table: the decoder accepts them and encode→decode is stable.</summary>
    [Fact]
    public void Random_well_formed_messages_of_every_kind_round_trip()
    {
        var random = new Random(1337);
        foreach (var message in ProtoSchema.Messages.Keys.Where(m => ProtoSchema.Messages[m].TryGetValue(1, out var f) && f.Name == "metadata"))
        {
            var dot = message.IndexOf('.');
            for (var i = 0; i < 20; i++)
            {
                var raw = RandomMessage(random, message, depth: 0);
                var obj = KubeProtobuf.DecodeObject(raw, message, "v1", message[(dot + 1)..]);
                var again = KubeProtobuf.DecodeObject(EncodeRaw(obj, message), message, "v1", message[(dot + 1)..]);
                Assert.True(JsonNode.DeepEquals(obj, again), $"{message}\n{obj}\n{again}");
            }
        }
    }

    private static byte[] EncodeRaw(JsonObject obj, string message)
    {
        var copy = (JsonObject)obj.DeepClone();
        // Encode needs a served apiVersion/kind to pick the root message; any root with the same table name works.
        var alias = message[..message.IndexOf('.')];
        copy["apiVersion"] = alias switch
        {
            "core" => "v1", "apps" => "apps/v1", "batch" => "batch/v1", "rbac" => "rbac.authorization.k8s.io/v1", "net" => "networking.k8s.io/v1",
            "policy" => "policy/v1", "sched" => "scheduling.k8s.io/v1", "coord" => "coordination.k8s.io/v1", "disc" => "discovery.k8s.io/v1",
            "as2" => "autoscaling/v2", _ => "autoscaling/v1",
        };
        copy["kind"] = message[(message.IndexOf('.') + 1)..];
        return KubeProtobuf.ReadEnvelope(KubeProtobuf.Encode(copy)!).Raw;
    }

    private static byte[] RandomMessage(Random random, string message, int depth)
    {
        using var stream = new MemoryStream();
        var output = new Google.Protobuf.CodedOutputStream(stream);
        foreach (var field in ProtoSchema.Messages[message].Values)
        {
            if (random.Next(3) == 0) continue;
            var isMessage = field.MapKey is null && !IsScalar(field.Type);
            if ((isMessage || field.MapKey is not null) && depth > 4) continue;
            var count = field.Repeated || field.MapKey is not null ? random.Next(0, 3) : 1;
            for (var n = 0; n < count; n++)
            {
                if (field.MapKey is not null)
                {
                    using var entry = new MemoryStream();
                    var e = new Google.Protobuf.CodedOutputStream(entry);
                    WriteRandom(random, e, 1, field.MapKey, depth + 1);
                    WriteRandom(random, e, 2, field.MapValue!, depth + 1);
                    e.Flush();
                    output.WriteTag(field.Number, Google.Protobuf.WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(Google.Protobuf.ByteString.CopyFrom(entry.ToArray()));
                }
                else WriteRandom(random, output, field.Number, field.Type, depth + 1);
            }
        }
        output.Flush();
        return stream.ToArray();
    }

    private static bool IsScalar(string type) => type is "s" or "y" or "i32" or "i64" or "b" or "d" or "f";

    private static void WriteRandom(Random random, Google.Protobuf.CodedOutputStream output, int number, string type, int depth)
    {
        void Bytes(byte[] b)
        {
            output.WriteTag(number, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Google.Protobuf.ByteString.CopyFrom(b));
        }
        byte[] Sub(Action<Google.Protobuf.CodedOutputStream> write)
        {
            using var s = new MemoryStream();
            var o = new Google.Protobuf.CodedOutputStream(s);
            write(o);
            o.Flush();
            return s.ToArray();
        }
        string[] words = ["", "a", "web", "nginx:1", "app=web", "ü-ñ", "100m"];
        switch (type)
        {
            case "s": output.WriteTag(number, Google.Protobuf.WireFormat.WireType.LengthDelimited); output.WriteString(words[random.Next(words.Length)]); return;
            case "y": Bytes([.. Enumerable.Range(0, random.Next(4)).Select(_ => (byte)random.Next(256))]); return;
            case "i32": output.WriteTag(number, Google.Protobuf.WireFormat.WireType.Varint); output.WriteInt32(random.Next(-2, 5)); return;
            case "i64": output.WriteTag(number, Google.Protobuf.WireFormat.WireType.Varint); output.WriteInt64(random.Next(-2, 5)); return;
            case "b": output.WriteTag(number, Google.Protobuf.WireFormat.WireType.Varint); output.WriteBool(random.Next(2) == 0); return;
            case "d": output.WriteTag(number, Google.Protobuf.WireFormat.WireType.Fixed64); output.WriteDouble(random.Next(-3, 3) / 2.0); return;
            case "f": output.WriteTag(number, Google.Protobuf.WireFormat.WireType.Fixed32); output.WriteFloat(random.Next(-3, 3) / 2f); return;
            case "meta.Time" or "meta.MicroTime":
                Bytes(Sub(o => { o.WriteTag(1, Google.Protobuf.WireFormat.WireType.Varint); o.WriteInt64(1_700_000_000 + random.Next(1000)); o.WriteTag(2, Google.Protobuf.WireFormat.WireType.Varint); o.WriteInt32(random.Next(2) * 123_456_000); }));
                return;
            case "meta.Duration":
                Bytes(Sub(o => { o.WriteTag(1, Google.Protobuf.WireFormat.WireType.Varint); o.WriteInt64(random.Next(4) * 1_500_000_000L); }));
                return;
            case "res.Quantity":
                Bytes(Sub(o => { o.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited); o.WriteString(new[] { "1", "500m", "1Gi", "2" }[random.Next(4)]); }));
                return;
            case "intstr.IntOrString":
                var isString = random.Next(2) == 0;
                Bytes(Sub(o =>
                {
                    o.WriteTag(1, Google.Protobuf.WireFormat.WireType.Varint); o.WriteInt64(isString ? 1 : 0);
                    o.WriteTag(2, Google.Protobuf.WireFormat.WireType.Varint); o.WriteInt32(isString ? 0 : random.Next(100));
                    o.WriteTag(3, Google.Protobuf.WireFormat.WireType.LengthDelimited); o.WriteString(isString ? "25%" : "");
                }));
                return;
            case "rt.RawExtension" or "meta.FieldsV1":
                Bytes(Sub(o => { o.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited); o.WriteBytes(Google.Protobuf.ByteString.CopyFromUtf8("{\"f:a\":{}}")); }));
                return;
            default:
                Bytes(RandomMessage(random, type, depth));
                return;
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
