namespace MlOperator.Inference.Sidecar.Tests.Http;

/// <summary>
/// Infer requests for the served model skip routing (InferFastPath); any other spelling of the path goes through
/// routing to the same handler. Both ways must answer alike.
/// </summary>
public sealed class InferFastPathTests
{
    [Theory]
    [InlineData("/v2/models/mlp/infer")] // fast path
    [InlineData("/V2/Models/mlp/Infer")] // routing (literal segments match case-insensitively)
    [InlineData("/v2/models/mlp/versions/1/infer")] // fast path, versioned
    [InlineData("/v2/MODELS/mlp/versions/1/infer")] // routing, versioned
    public async Task The_fast_path_and_routing_give_the_same_answer(string path)
    {
        await using var sidecar = new SidecarFactory("mlp");
        var client = await sidecar.ReadyClientAsync();

        var (status, body) = await SidecarFactory.PostAsync(client, path, SidecarFactory.Json(SidecarFactory.ReferenceRequest("mlp")));

        Assert.Equal(200, status);
        TestAssets.AssertOutputsMatchReference("mlp", body);
    }

    [Theory]
    [InlineData("/v2/models/mlp/infer")]
    [InlineData("/V2/Models/mlp/Infer")]
    public async Task Errors_are_the_same_json_both_ways(string path)
    {
        await using var sidecar = new SidecarFactory("mlp");
        var client = await sidecar.ReadyClientAsync();

        var (status, body) = await SidecarFactory.PostAsync(client, path, SidecarFactory.Json("{\"inputs\":[{\"name\":\"nope\"}]}"));

        Assert.Equal(400, status);
        Assert.Equal("unknown input 'nope'; model 'mlp' has inputs 'input'", body.GetProperty("error").GetString());
    }
}
