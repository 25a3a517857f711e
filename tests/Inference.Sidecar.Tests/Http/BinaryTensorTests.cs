using System.Text;
using System.Text.Json.Nodes;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests.Http;

public sealed class BinaryTensorTests
{
    [Fact]
    public async Task Every_datatype_round_trips_as_binary_in_and_binary_out()
    {
        await using var sidecar = new SidecarFactory("types");
        var client = await sidecar.ReadyClientAsync();
        var (inputs, expected) = TestAssets.Reference("types");
        var request = BinaryRequest.Build(inputs.Select(p => (p.Key, p.Value)), new JsonObject
        {
            ["id"] = "bin-1",
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        });
        using var response = await client.PostAsync("/v2/models/types/infer", request);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var (header, outputs) = await BinaryRequest.ReadAsync(response);
        Assert.Equal("bin-1", header.GetProperty("id").GetString());
        Assert.Equal(expected.Count, outputs.Count);
        foreach (var (name, tensor) in expected)
        {
            TestAssets.AssertSameTensor(tensor, outputs[name], name);
        }
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("multi_io")]
    public async Task Binary_and_json_requests_give_identical_results(string model)
    {
        await using var sidecar = new SidecarFactory(model);
        var client = await sidecar.ReadyClientAsync();
        var (inputs, _) = TestAssets.Reference(model);

        using var jsonResponse = await client.PostAsync($"/v2/models/{model}/infer", SidecarFactory.Json(SidecarFactory.ReferenceRequest(model)));
        var (_, viaJson) = await BinaryRequest.ReadAsync(jsonResponse);

        // Binary inputs; the first output binary, the rest JSON, to cover mixed responses.
        using var session = TestAssets.Session(model);
        var outputs = new JsonArray(session.Outputs.Select((o, i) => (JsonNode)new JsonObject
        {
            ["name"] = o.Name,
            ["parameters"] = new JsonObject { ["binary_data"] = i == 0 },
        }).ToArray());
        using var binaryResponse = await client.PostAsync($"/v2/models/{model}/infer",
            BinaryRequest.Build(inputs.Select(p => (p.Key, p.Value)), new JsonObject { ["outputs"] = outputs }));
        Assert.Equal(200, (int)binaryResponse.StatusCode);
        var (_, viaBinary) = await BinaryRequest.ReadAsync(binaryResponse);

        Assert.Equal(viaJson.Keys.Order(), viaBinary.Keys.Order());
        foreach (var (name, tensor) in viaJson)
        {
            TestAssets.AssertSameTensor(tensor, viaBinary[name], name);
        }
    }

    public static TheoryData<string, byte[], byte[], long?, string> Malformed => new()
    {
        { "size does not match shape", Header(20), new byte[20], null, "has 20 bytes of binary data, but FP32 shape [1,16] needs 64" },
        { "bytes left over", Header(64), new byte[70], null, "70 bytes of binary data after the JSON header, but the inputs' binary_data_size parameters add up to 64" },
        { "declared size beyond the body", Header(64), new byte[10], null, "declares binary_data_size 64, but only 10 bytes of binary data remain" },
        { "header length beyond the body", Header(64), new byte[64], 100_000, "Inference-Header-Content-Length is 100000, but the body has only" },
        { "header length cuts the JSON", Header(64), new byte[64], 10, "malformed JSON" },
        { "data and binary", Encoding.UTF8.GetBytes("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[],\"parameters\":{\"binary_data_size\":64}}]}"), new byte[64], null, "has both 'data' and a binary_data_size parameter" },
        { "negative size", Encoding.UTF8.GetBytes("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"parameters\":{\"binary_data_size\":-1}}]}"), [], null, "binary_data_size must be a non-negative integer" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_binary_requests_are_400s_that_say_what_is_wrong(string _, byte[] json, byte[] binary, long? headerLength, string message)
    {
        await using var sidecar = new SidecarFactory("mlp");
        var client = await sidecar.ReadyClientAsync();
        var (status, error) = await SidecarFactory.PostAsync(client, "/v2/models/mlp/infer", BinaryRequest.Raw(json, binary, headerLength));
        Assert.Equal(400, status);
        Assert.Contains(message, error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Truncated_bytes_elements_are_refused()
    {
        await using var sidecar = new SidecarFactory("types");
        var client = await sidecar.ReadyClientAsync();
        var (inputs, _) = TestAssets.Reference("types");
        var blobs = inputs.Where(p => p.Key != "text").Select(p => (p.Key, p.Value)).ToList();
        blobs.Add(("text", Tensor.FromStrings([2, 3], "a", "b", "c", "d", "e", "f")));
        var content = BinaryRequest.Build(blobs);
        var bytes = await content.ReadAsByteArrayAsync();
        var headerLength = long.Parse(content.Headers.GetValues("Inference-Header-Content-Length").Single());
        // Claim the last string is 200 bytes long.
        bytes[^5] = 200;
        var (status, error) = await SidecarFactory.PostAsync(client, "/v2/models/types/infer",
            BinaryRequest.Raw(bytes[..(int)headerLength], bytes[(int)headerLength..]));
        Assert.Equal(400, status);
        Assert.Contains("input 'text' (BYTES): element 5 claims 200 bytes, only 1 remain", error.GetProperty("error").GetString());
    }

    private static byte[] Header(int size) => Encoding.UTF8.GetBytes(
        $"{{\"inputs\":[{{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"parameters\":{{\"binary_data_size\":{size}}}}}]}}");
}
