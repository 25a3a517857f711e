using System.Security.Cryptography;
using MlOperator.Inference.Sidecar.Fetch;

namespace MlOperator.Inference.Sidecar.Tests.Fetch;

public sealed class FetchTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("fetch-tests-").FullName;
    private LocalHttpServer server = null!;
    private readonly byte[] model = RandomNumberGenerator.GetBytes(300_000);

    public async Task InitializeAsync()
    {
        server = await LocalHttpServer.StartAsync();
        server.Files["model.onnx"] = model;
        server.Files["org/repo@v2:onnx/model.onnx"] = model;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private string Sha => Convert.ToHexStringLower(SHA256.HashData(model));

    private string Dest => Path.Combine(directory, "models", "model.onnx");

    private async Task<(int Code, string Output, string Error)> FetchAsync(FakeTimeProvider? time = null, Dictionary<string, string>? environment = null,
        params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var http = new HttpClient();
        var run = FetchCommand.RunAsync(args, output, error, http, time ?? new FakeTimeProvider(), name => environment?.GetValueOrDefault(name));
        while (!run.IsCompleted)
        {
            // Back-off waits on the fake clock: move it on until the command is done (no real sleeping for the delays).
            time?.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(run, Task.Delay(20));
        }

        return (await run, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Fetches_over_http_verifying_the_sha256_and_leaves_no_partial_file()
    {
        var (code, output, error) = await FetchAsync(null, null, new Uri(server.BaseAddress, "/files/model.onnx").ToString(), Dest, "--sha256", Sha);
        Assert.True(code == 0, error);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
        Assert.False(File.Exists(Dest + ".partial"));
        Assert.Contains(Sha, output);
    }

    [Fact]
    public async Task A_wrong_sha256_exits_1_naming_the_uri_and_both_digests_and_writes_nothing()
    {
        var wrong = new string('a', 64);
        var uri = new Uri(server.BaseAddress, "/files/model.onnx").ToString();
        var (code, _, error) = await FetchAsync(null, null, uri, Dest, "--sha256", wrong);
        Assert.Equal(1, code);
        Assert.Equal($"error: fetch {uri}: sha256 mismatch: the object has {Sha}, but {wrong} was expected", error.Trim());
        Assert.False(File.Exists(Dest));
        Assert.False(File.Exists(Dest + ".partial"));
    }

    [Fact]
    public async Task A_missing_object_exits_1_with_one_line_naming_the_uri_and_404()
    {
        var uri = new Uri(server.BaseAddress, "/files/nothing.onnx").ToString();
        var (code, _, error) = await FetchAsync(null, null, uri, Dest);
        Assert.Equal(1, code);
        Assert.Equal($"error: fetch {uri}: HTTP 404: no such object", error.Trim());
        Assert.False(File.Exists(Dest));
    }

    [Fact]
    public async Task A_connection_cut_halfway_is_retried_and_resumed_with_a_range_request()
    {
        server.Files["big.onnx"] = model;
        var time = new FakeTimeProvider();
        var (code, output, error) = await FetchAsync(time, null, new Uri(server.BaseAddress, "/flaky/big.onnx").ToString(), Dest, "--sha256", Sha);
        Assert.True(code == 0, error + output);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
        Assert.Equal(2, server.Hits("/flaky/big.onnx"));
        Assert.Contains(server.RangeHeaders, r => r is not null && r.StartsWith("bytes=", StringComparison.Ordinal) && !r.StartsWith("bytes=0-", StringComparison.Ordinal));
        Assert.Contains("resuming at byte", output);
    }

    [Fact]
    public async Task A_server_error_is_retried_with_back_off_then_reported()
    {
        var uri = new Uri(server.BaseAddress, "/down").ToString();
        var (code, output, error) = await FetchAsync(new FakeTimeProvider(), null, uri, Dest);
        Assert.Equal(1, code);
        Assert.Equal(5, server.Hits("/down"));
        Assert.Contains("retrying in 1s", output);
        Assert.Contains("retrying in 8s", output);
        Assert.Equal($"error: fetch {uri}: HTTP 503", error.Trim());
    }

    [Fact]
    public async Task Hugging_face_uris_resolve_a_revision_with_the_token_and_never_log_it()
    {
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = server.BaseAddress.ToString(), ["HF_TOKEN"] = LocalHttpServer.Token };
        var (code, output, error) = await FetchAsync(null, environment, "hf://org/repo/onnx/model.onnx@v2", Dest, "--sha256", Sha);
        Assert.True(code == 0, error);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
        Assert.DoesNotContain(LocalHttpServer.Token, output + error);
    }

    [Fact]
    public async Task Bad_credentials_exit_1_saying_access_denied_without_the_secret()
    {
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = server.BaseAddress.ToString(), ["HF_TOKEN"] = "wrong-secret" };
        var (code, output, error) = await FetchAsync(null, environment, "hf://org/repo/onnx/model.onnx@v2", Dest);
        Assert.Equal(1, code);
        Assert.Equal("error: fetch hf://org/repo/onnx/model.onnx@v2: HTTP 401: access denied (check the credentials)", error.Trim());
        Assert.DoesNotContain("wrong-secret", output + error);
    }

    [Fact]
    public async Task Credentials_in_an_http_uri_are_not_printed()
    {
        var uri = new UriBuilder(new Uri(server.BaseAddress, "/files/nothing.onnx")) { UserName = "user", Password = "hunter2", Query = "X-Amz-Signature=abc" }.Uri.ToString();
        var (code, _, error) = await FetchAsync(null, null, uri, Dest);
        Assert.Equal(1, code);
        Assert.DoesNotContain("hunter2", error);
        Assert.DoesNotContain("X-Amz-Signature", error);
    }

    [Fact]
    public async Task Without_arguments_fetch_reads_the_pods_mlop_contract()
    {
        var environment = new Dictionary<string, string>
        {
            ["MLOP_MODEL_URL"] = new Uri(server.BaseAddress, "/files/model.onnx").ToString(),
            ["MLOP_MODEL_PATH"] = Dest,
            ["MLOP_MODEL_SHA256"] = Sha,
        };
        var (code, _, error) = await FetchAsync(null, environment);
        Assert.True(code == 0, error);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
    }

    [Fact]
    public async Task An_unsupported_scheme_or_bad_arguments_are_refused()
    {
        Assert.Equal(1, (await FetchAsync(null, null, "ftp://host/model.onnx", Dest)).Code);
        Assert.Equal(2, (await FetchAsync(null, null, "https://host/model.onnx")).Code);
        Assert.Equal(2, (await FetchAsync(null, null, "https://host/model.onnx", Dest, "--sha256", "xyz")).Code);
    }
}
