using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Tests.Http;

public sealed class EndpointTests
{
    [Fact]
    public async Task Server_metadata_names_the_binary_tensor_extension()
    {
        await using var sidecar = new SidecarFactory("mlp");
        var client = await sidecar.ReadyClientAsync();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/v2"));
        Assert.Equal("mloperator-inference-sidecar", doc.RootElement.GetProperty("name").GetString());
        Assert.Contains("binary_tensor_data", doc.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Health_and_model_readiness_answer_200_once_loaded()
    {
        await using var sidecar = new SidecarFactory("mlp", new Dictionary<string, string> { ["MLOP_MODEL_VERSION"] = "7" });
        var client = await sidecar.ReadyClientAsync();
        foreach (var path in new[] { "/v2/health/live", "/v2/health/ready", "/v2/models/mlp/ready", "/v2/models/mlp/versions/7/ready" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v2/models/other/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v2/models/mlp/versions/6/ready")).StatusCode);
    }

    [Fact]
    public async Task Model_metadata_lists_inputs_and_outputs_with_dynamic_dims_as_minus_one()
    {
        await using var sidecar = new SidecarFactory("multi_io");
        var client = await sidecar.ReadyClientAsync();
        foreach (var path in new[] { "/v2/models/multi_io", "/v2/models/multi_io/versions/1" })
        {
            using var doc = JsonDocument.Parse(await client.GetStringAsync(path));
            var root = doc.RootElement;
            Assert.Equal("multi_io", root.GetProperty("name").GetString());
            Assert.Equal(["1"], root.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
            Assert.Equal("onnxruntime_onnx", root.GetProperty("platform").GetString());
            var inputs = root.GetProperty("inputs").EnumerateArray().ToArray();
            Assert.Equal(["x:FP32:[-1,4]", "y:FP32:[-1,4]", "k:INT32:[-1,2]"], inputs.Select(Describe));
            var outputs = root.GetProperty("outputs").EnumerateArray().Select(Describe).ToArray();
            Assert.Contains("x_double:FP64:[-1,4]", outputs);
            Assert.Contains("x_half:FP16:[-1,4]", outputs);
        }
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("multi_io")]
    [InlineData("types")]
    public async Task Json_inference_returns_the_numpy_reference(string model)
    {
        await using var sidecar = new SidecarFactory(model);
        var client = await sidecar.ReadyClientAsync();
        var request = SidecarFactory.ReferenceRequest(model);
        request["id"] = "request-42";
        var (status, body) = await SidecarFactory.PostAsync(client, $"/v2/models/{model}/infer", SidecarFactory.Json(request));
        Assert.Equal(200, status);
        Assert.Equal("request-42", body.GetProperty("id").GetString());
        Assert.Equal(model, body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        TestAssets.AssertOutputsMatchReference(model, body);
    }

    [Fact]
    public async Task Nested_data_is_read_in_row_major_order_and_outputs_can_be_selected()
    {
        await using var sidecar = new SidecarFactory("mlp");
        var client = await sidecar.ReadyClientAsync();
        var reference = TestAssets.ReferenceJson("mlp", "inputs").GetProperty("input");
        var flat = reference.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var nested = new JsonArray(Enumerable.Range(0, 3).Select(r => (JsonNode)new JsonArray(flat.Skip(r * 16).Take(16).Select(v => (JsonNode)JsonValue.Create(v)!).ToArray())).ToArray());
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "input", ["datatype"] = "FP32", ["shape"] = new JsonArray(3, 16), ["data"] = nested }),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "logits" }),
        };
        var (status, body) = await SidecarFactory.PostAsync(client, "/v2/models/mlp/versions/1/infer", SidecarFactory.Json(request));
        Assert.Equal(200, status);
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("logits", output.GetProperty("name").GetString());
        TestAssets.AssertOutputsMatchReference("mlp", body);
    }

    private static string Describe(JsonElement e) =>
        $"{e.GetProperty("name").GetString()}:{e.GetProperty("datatype").GetString()}:[{string.Join(",", e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))}]";
}
