using System.Net;
using System.Text;

namespace MlOperator.Inference.Sidecar.Tests.Http;

/// <summary>Every refusal is a JSON {"error": …} with the right status and a message that names the problem.</summary>
public sealed class ErrorTests : IAsyncLifetime
{
    private const string Row = "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]";
    private readonly SidecarFactory sidecar = new("mlp", new Dictionary<string, string>
    {
        ["MLOP_MAX_BODY_BYTES"] = "4096",
        ["MLOP_MAX_TENSOR_ELEMENTS"] = "64",
        ["MLOP_MODEL_VERSION"] = "3",
    });

    private HttpClient client = null!;

    public async Task InitializeAsync() => client = await sidecar.ReadyClientAsync();

    public async Task DisposeAsync() => await sidecar.DisposeAsync();

    public static TheoryData<string, string, int, string> Cases => new()
    {
        { "/v2/models/nope/infer", Input("FP32", "[1,16]", Row), 404, "unknown model 'nope'; this server serves 'mlp'" },
        { "/v2/models/mlp/versions/9/infer", Input("FP32", "[1,16]", Row), 404, "unknown version '9' of model 'mlp'; this server serves version '3'" },
        { "/v2/models/mlp/infer", "{\"inputs\": [", 400, "malformed JSON" },
        { "/v2/models/mlp/infer", "", 400, "malformed JSON" },
        { "/v2/models/mlp/infer", "[1,2]", 400, "the request must be a JSON object, got array" },
        { "/v2/models/mlp/infer", "{}", 400, "the request needs an 'inputs' array" },
        { "/v2/models/mlp/infer", "{\"inputs\":[]}", 400, "missing input 'input'; model 'mlp' needs 'input'" },
        { "/v2/models/mlp/infer", "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}", 400, "unknown input 'image'; model 'mlp' has inputs 'input'" },
        { "/v2/models/mlp/infer", Input("FP64", "[1,16]", Row), 400, "input 'input' has datatype FP64, but the model expects FP32" },
        { "/v2/models/mlp/infer", Input("FLOAT", "[1,16]", Row), 400, "input 'input' has unknown datatype 'FLOAT'" },
        { "/v2/models/mlp/infer", Input("FP32", "[1,15]", "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]"), 400, "input 'input' has shape [1,15], but the model expects [-1,16]" },
        { "/v2/models/mlp/infer", Input("FP32", "[16]", Row), 400, "input 'input' has shape [16], but the model expects [-1,16]" },
        { "/v2/models/mlp/infer", Input("FP32", "[2,16]", Row), 400, "input 'input' has 16 elements but shape [2,16] needs 32" },
        { "/v2/models/mlp/infer", Input("FP32", "[1,16]", "[0,0,0,\"x\",0,0,0,0,0,0,0,0,0,0,0,0]"), 400, "input 'input' (FP32) element 3 is not a number: \"x\"" },
        { "/v2/models/mlp/infer", Input("FP32", "[1,16]", "[0,0,0,null,0,0,0,0,0,0,0,0,0,0,0,0]"), 400, "element 3 is not a number: null" },
        { "/v2/models/mlp/infer", Input("FP32", "[1,16]", "[0,0,0,1e300,0,0,0,0,0,0,0,0,0,0,0,0]"), 400, "element 3 is out of range: 1e300" },
        { "/v2/models/mlp/infer", Input("FP32", "[1,-16]", Row), 400, "shape -16 is not a non-negative integer dimension" },
        { "/v2/models/mlp/infer", Input("FP32", "[5,16]", "[]"), 413, "input 'input' has 80 elements, more than the limit of 64 per tensor" },
        { "/v2/models/mlp/infer", "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16]}]}", 400, "input 'input' has neither 'data' nor a binary_data_size parameter" },
        { "/v2/models/mlp/infer", Input("FP32", "[1,16]", Row, ",\"outputs\":[{\"name\":\"scores\"}]"), 400, "unknown output 'scores'; model 'mlp' has outputs 'logits', 'probabilities'" },
        { "/v2/models/mlp/infer", Input("FP32", "[1,16]", Row, ",\"id\":7"), 400, "'id' must be a string, got number" },
        { "/v2/models/mlp/infer", "{\"inputs\":[" + Item("FP32", "[1,16]", Row) + "," + Item("FP32", "[1,16]", Row) + "]}", 400, "input 'input' appears more than once" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Refuses_with_a_json_error_naming_the_problem(string path, string body, int status, string message)
    {
        var (actualStatus, error) = await SidecarFactory.PostAsync(client, path, SidecarFactory.Json(body));
        Assert.Equal(status, actualStatus);
        Assert.Contains(message, error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_before_it_is_parsed()
    {
        var body = Input("FP32", "[1,16]", Row) + new string(' ', 5000);
        var (status, error) = await SidecarFactory.PostAsync(client, "/v2/models/mlp/infer", SidecarFactory.Json(body));
        Assert.Equal(413, status);
        Assert.Contains("over the limit of 4096 bytes", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_too()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string('[', 9000))));
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentLength = null;
        var (status, error) = await SidecarFactory.PostAsync(client, "/v2/models/mlp/infer", content);
        Assert.Equal(413, status);
        Assert.Contains("over the limit of 4096 bytes", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unknown_routes_and_models_answer_json_404s()
    {
        foreach (var path in new[] { "/v2/models/nope", "/v2/models/mlp/versions/4", "/nothing/here" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("\"error\":", await response.Content.ReadAsStringAsync());
        }
    }

    private static string Item(string datatype, string shape, string data) =>
        $"{{\"name\":\"input\",\"datatype\":\"{datatype}\",\"shape\":{shape},\"data\":{data}}}";

    private static string Input(string datatype, string shape, string data, string extra = "") =>
        $"{{\"inputs\":[{Item(datatype, shape, data)}]{extra}}}";
}
