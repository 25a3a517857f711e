using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOperator.Inference.Sidecar.Tests.Http;

/// <summary>Nothing a client sends may crash the sidecar or earn anything but a JSON 4xx (or a deliberate 503).</summary>
public sealed class FuzzTests
{
    private const int Requests = 10_000;

    private static readonly string[] Tokens =
    [
        "null", "true", "false", "0", "-1", "1e309", "-0", "\"\"", "\"NaN\"", "[]", "{}", "[[[[", "]]]]", "\"\\u0000\"", "1.5",
        "18446744073709551616", "-9223372036854775809", "\"FP32\"", "\"BYTES\"", "\"\\ud800\"", ",", ":", "\"inputs\"", "[1e9,1e9]",
        "[4294967296]", "{\"binary_data_size\":99999999}", new string('[', 200), "\"" + new string('x', 300) + "\"",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "0", "-1", "1.5", "1e300", "18446744073709551616", "\"\"", "\"NaN\"", "\"x\"", "[]", "{}", "[[1]]",
        "[-1]", "[1e9,1e9]", "[4294967296]", "{\"binary_data_size\":99999999}", "{\"binary_data\":true}", "[\"a\",null]",
    ];

    [Fact]
    public async Task Ten_thousand_random_and_malformed_bodies_leave_the_process_alive_answering_only_json_4xx_or_503()
    {
        await using var sidecar = new SidecarFactory("types", new Dictionary<string, string>
        {
            ["MLOP_MAX_BATCH_SIZE"] = "8",
            ["MLOP_MAX_BATCH_DELAY"] = "1ms",
            ["MLOP_MAX_BODY_BYTES"] = "65536",
            ["MLOP_MAX_TENSOR_ELEMENTS"] = "100000",
        });
        var client = await sidecar.ReadyClientAsync();
        var seeds = new[] { SidecarFactory.ReferenceRequest("types").ToJsonString() };
        var statuses = new int[Requests];
        var failures = new List<string>();

        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var random = new Random(i);
            var (content, description) = Mutate(random, seeds[0]);
            using var response = await client.PostAsync("/v2/models/types/infer", content, ct);
            var status = (int)response.StatusCode;
            statuses[i] = status;
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var problem = Judge(status, response, body);
            if (problem is not null)
            {
                lock (failures)
                {
                    failures.Add($"#{i} ({description}): {problem}");
                }
            }
        });

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(statuses.Count(s => s is >= 400 and < 500) > Requests / 2, "the fuzzer should mostly produce invalid requests");

        // Still alive and still right.
        Assert.Equal(200, (int)(await client.GetAsync("/v2/health/ready")).StatusCode);
        var (okStatus, okBody) = await SidecarFactory.PostAsync(client, "/v2/models/types/infer", SidecarFactory.Json(seeds[0]));
        Assert.Equal(200, okStatus);
        TestAssets.AssertOutputsMatchReference("types", okBody);
    }

    private static string? Judge(int status, HttpResponseMessage response, byte[] body)
    {
        if (status == 200)
        {
            // A mutation can leave a request valid; then the answer must be a well-formed V2 response.
            var length = response.Headers.TryGetValues("Inference-Header-Content-Length", out var v) ? int.Parse(v.Single()) : body.Length;
            using var doc = JsonDocument.Parse(body.AsMemory(0, length));
            return doc.RootElement.TryGetProperty("outputs", out _) ? null : "200 without outputs";
        }

        if (status is not (>= 400 and < 500) and not 503)
        {
            return $"status {status}: {Encoding.UTF8.GetString(body)}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return $"status {status} with content type {response.Content.Headers.ContentType}";
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0
                ? null
                : $"status {status} without an error message: {Encoding.UTF8.GetString(body)}";
        }
        catch (JsonException)
        {
            return $"status {status} with a body that is not JSON: {Encoding.UTF8.GetString(body)}";
        }
    }

    private static (HttpContent Content, string Description) Mutate(Random random, string seed)
    {
        switch (random.Next(8))
        {
            case 0:
            {
                var bytes = new byte[random.Next(0, 2048)];
                random.NextBytes(bytes);
                return (Bytes(bytes), "random bytes");
            }

            case 1:
            {
                var bytes = Encoding.UTF8.GetBytes(seed);
                for (var k = random.Next(1, 8); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return (Bytes(bytes), "flipped bytes");
            }

            case 2:
                return (Bytes(Encoding.UTF8.GetBytes(seed[..random.Next(seed.Length)])), "truncated");

            case 3:
            {
                var at = random.Next(seed.Length);
                return (Bytes(Encoding.UTF8.GetBytes(seed[..at] + Tokens[random.Next(Tokens.Length)] + seed[at..])), "token inserted");
            }

            case 4:
                return (Bytes(Encoding.UTF8.GetBytes(ReplaceValue(random, seed))), "value replaced");

            case 5:
            {
                var content = Bytes(Encoding.UTF8.GetBytes(seed));
                string[] lengths = ["abc", "-1", "99999999999", random.Next(0, seed.Length + 10).ToString(), ""];
                content.Headers.Add("Inference-Header-Content-Length", lengths[random.Next(lengths.Length)]);
                return (content, "header length");
            }

            case 6:
            {
                var json = Encoding.UTF8.GetBytes(seed);
                var binary = new byte[random.Next(0, 256)];
                random.NextBytes(binary);
                var content = Bytes([.. json, .. binary]);
                content.Headers.Add("Inference-Header-Content-Length", json.Length.ToString());
                return (content, "trailing binary");
            }

            default:
            {
                var depth = random.Next(1, 300);
                return (Bytes(Encoding.UTF8.GetBytes("{\"inputs\":[{\"name\":\"f32\",\"datatype\":\"FP32\",\"shape\":[2,3],\"data\":" +
                    new string('[', depth) + "1" + new string(']', depth) + "}]}")), "deep nesting");
            }
        }
    }

    /// <summary>Replaces one JSON value anywhere in the request with something of another kind.</summary>
    private static string ReplaceValue(Random random, string seed)
    {
        var root = JsonNode.Parse(seed)!;
        var nodes = new List<(JsonNode Parent, object Key)>();
        Collect(root, nodes);
        var (parent, key) = nodes[random.Next(nodes.Count)];
        var replacement = JsonNode.Parse(Values[random.Next(Values.Length)]);
        if (parent is JsonObject o)
        {
            o[(string)key] = replacement;
        }
        else
        {
            ((JsonArray)parent)[(int)key] = replacement;
        }

        return root.ToJsonString();
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> into)
    {
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o.ToList())
            {
                into.Add((o, k));
                if (v is not null)
                {
                    Collect(v, into);
                }
            }
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                into.Add((a, i));
                if (a[i] is not null)
                {
                    Collect(a[i]!, into);
                }
            }
        }
    }

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
