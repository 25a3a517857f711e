using System.Text.Json.Nodes;
using MlOperator.Inference.Sidecar.Inference.Onnx;
using MlOperator.Inference.Sidecar.Tests.Batching;

namespace MlOperator.Inference.Sidecar.Tests.Http;

public sealed class BatchingHttpTests
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public async Task Concurrent_http_requests_with_batching_on_get_exactly_their_unbatched_answers(string model)
    {
        await using var sidecar = new SidecarFactory(model, new Dictionary<string, string>
        {
            ["MLOP_MAX_BATCH_SIZE"] = "16",
            ["MLOP_MAX_BATCH_DELAY"] = "2ms",
        });
        var client = await sidecar.ReadyClientAsync();
        using var session = TestAssets.Session(model);
        var inputs = Enumerable.Range(0, 96)
            .Select(i => model == "mlp" ? DynamicBatcherTests.RandomRows(i, 1 + (i % 4)) : DynamicBatcherTests.RandomImage(i, 1 + (i % 2)))
            .ToArray();

        var responses = await Task.WhenAll(inputs.Select(async (input, i) =>
        {
            var binary = i % 2 == 0; // half binary, half JSON, all in the same batches
            using var response = binary
                ? await client.PostAsync($"/v2/models/{model}/infer", BinaryRequest.Build([(session.Inputs[0].Name, input)],
                    new JsonObject { ["parameters"] = new JsonObject { ["binary_data_output"] = true } }))
                : await client.PostAsync($"/v2/models/{model}/infer", SidecarFactory.Json(JsonBody(session.Inputs[0].Name, input)));
            Assert.Equal(200, (int)response.StatusCode);
            return (await BinaryRequest.ReadAsync(response)).Outputs;
        }));

        for (var i = 0; i < inputs.Length; i++)
        {
            var alone = session.Run(new Dictionary<string, Tensor> { [session.Inputs[0].Name] = inputs[i] });
            foreach (var (name, tensor) in alone)
            {
                TestAssets.AssertSameTensor(tensor, responses[i][name], $"request {i} {name}");
            }
        }
    }

    private static JsonObject JsonBody(string name, Tensor input) => new()
    {
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = name,
            ["datatype"] = "FP32",
            ["shape"] = new JsonArray(input.Shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
            ["data"] = new JsonArray(input.ToArray<float>().Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
        }),
    };
}
