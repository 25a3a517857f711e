using System.Net;
using System.Text.Json;

namespace MlOperator.Inference.Sidecar.Tests.Http;

public sealed class MethodTests
{
    public static readonly TheoryData<string, string, string> WrongMethods = new()
    {
        { "GET", "/v2/models/mlp/infer", "POST" },
        { "PUT", "/v2/models/mlp/versions/1/infer", "POST" },
        { "POST", "/v2/health/live", "GET" },
        { "DELETE", "/v2/models/mlp", "GET" },
        { "POST", "/v2/models/mlp/ready", "GET" },
    };

    [Theory]
    [MemberData(nameof(WrongMethods))]
    public async Task A_wrong_method_on_a_v2_route_is_405_json_with_allow(string method, string path, string allowed)
    {
        await using var sidecar = new SidecarFactory("mlp");
        var client = await sidecar.ReadyClientAsync();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains(allowed, response.Content.Headers.Allow);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(method, body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_path_is_still_404_json()
    {
        await using var sidecar = new SidecarFactory("mlp");
        var client = await sidecar.ReadyClientAsync();
        using var response = await client.PostAsync("/v3/nothing", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
