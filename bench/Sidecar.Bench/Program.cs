using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;
using MlOperator.Sidecar.Bench;

// The sidecar benchmark: numbers and ratios, never pass/fail. BENCH_SECONDS sets each scenario's length.
var seconds = double.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), out var s) ? s : 3;
var duration = TimeSpan.FromSeconds(seconds);
var warmup = TimeSpan.FromSeconds(Math.Min(1, seconds / 3));
var root = FindRepoRoot();
var sidecarDll = typeof(InferRequest).Assembly.Location;
int[] clientCounts = [1, 8, 64];
var results = new List<Result>();

Console.WriteLine($"Sidecar benchmark: ONNX Runtime {OnnxRuntime.Shared.Version}, {Environment.ProcessorCount} CPUs, {seconds}s per scenario, 1 intra-op thread everywhere");
Console.WriteLine();

// The CNN rows use the bench-only cnn_bench.onnx (conv stem + 16M-weight dense head, ~1-2 ms per batch-1 run): the
// test CNN costs ~5 µs per run, so HTTP overhead would hide everything batching is for.
// BENCH_MODELS (e.g. "cnn") runs only the named rows.
var only = Environment.GetEnvironmentVariable("BENCH_MODELS") is { Length: > 0 } names ? names.Split(',') : null;
var models = new[] { ("mlp", "mlp", Workload(1, 16)), ("cnn", "cnn_bench", Workload(1, 3, 32, 32)) }
    .Where(m => only is null || only.Contains(m.Item1)).ToArray();

// (a) the limit: ONNX Runtime called in-process through our binding.
foreach (var (model, file, input) in models)
{
    using var session = OnnxRuntime.Shared.CreateSession(Path.Combine(root, "tests", "models", file + ".onnx"), new SessionSettings { IntraOpThreads = 1 });
    int[] outputs = [.. Enumerable.Range(0, session.Outputs.Count)];
    foreach (var clients in new[] { 1, Environment.ProcessorCount })
    {
        Record(LoadGenerator.RunInProcess("a in-process ORT", model, clients, warmup, duration, () => session.Run([input], outputs)));
    }
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
{
    Timeout = TimeSpan.FromSeconds(30),
};

foreach (var (model, file, input) in models)
{
    var inputName = model == "mlp" ? "input" : "image";
    var json = JsonBody(inputName, input);
    var (binaryHeader, binaryBody) = BinaryBody(inputName, input);

    // (b) JSON and (c) binary over real HTTP, batching off.
    await using (var sidecar = await StartSidecar(model, file, batch: 1))
    {
        var url = $"http://127.0.0.1:{sidecar.Port}/v2/models/{model}/infer";
        await WarmUp(url, json, binaryHeader, binaryBody);
        foreach (var clients in clientCounts)
        {
            Record(await LoadGenerator.RunAsync("b sidecar HTTP JSON", model, clients, warmup, duration, (_, ct) => PostJson(url, json, ct)));
        }

        foreach (var clients in clientCounts)
        {
            Record(await LoadGenerator.RunAsync("c sidecar HTTP binary", model, clients, warmup, duration, (_, ct) => PostBinary(url, binaryHeader, binaryBody, ct)));
        }
    }

    // (d) dynamic batching on, same binary requests.
    await using (var sidecar = await StartSidecar(model, file, batch: 64))
    {
        var url = $"http://127.0.0.1:{sidecar.Port}/v2/models/{model}/infer";
        await WarmUp(url, json, binaryHeader, binaryBody);
        foreach (var clients in clientCounts)
        {
            Record(await LoadGenerator.RunAsync("d sidecar binary batched", model, clients, warmup, duration, (_, ct) => PostBinary(url, binaryHeader, binaryBody, ct)));
        }

        foreach (var clients in clientCounts)
        {
            Record(await LoadGenerator.RunAsync("d sidecar JSON batched", model, clients, warmup, duration, (_, ct) => PostJson(url, json, ct)));
        }
    }

    // (e) the peer: onnxruntime-node behind node's http module, same JSON requests.
    var peerScript = Path.Combine(root, "bench", "Sidecar.Bench", "node-peer", "server.js");
    if (!Directory.Exists(Path.Combine(root, "bench", "Sidecar.Bench", "node-peer", "node_modules", "onnxruntime-node")))
    {
        Console.WriteLine("  (node peer skipped: run `make bench-sidecar`, which installs onnxruntime-node@1.30.0 with npm)");
        continue;
    }

    var peerPort = ServerProcess.FreePort();
    await using (var peer = await ServerProcess.StartAsync("node", [peerScript, Path.Combine(root, "tests", "models", file + ".onnx"), peerPort.ToString(), model], peerPort,
        async c => (await c.PostAsync($"/v2/models/{model}/infer", new StringContent(json, Encoding.UTF8, "application/json"))).IsSuccessStatusCode))
    {
        var url = $"http://127.0.0.1:{peer.Port}/v2/models/{model}/infer";
        await LoadGenerator.RunAsync("warm-up", model, 8, TimeSpan.FromSeconds(2), TimeSpan.Zero, (_, ct) => PostJson(url, json, ct));
        await LoadGenerator.RunAsync("warm-up", model, 1, TimeSpan.FromSeconds(1), TimeSpan.Zero, (_, ct) => PostJson(url, json, ct));
        foreach (var clients in clientCounts)
        {
            Record(await LoadGenerator.RunAsync("e node peer HTTP JSON", model, clients, warmup, duration, (_, ct) => PostJson(url, json, ct)));
        }
    }
}

Console.WriteLine();
Console.WriteLine("Ratios (targets in brackets; informational, never asserted):");
Ratio("MLP sidecar JSON p50 / (1.3 × in-process p50 + 150 µs)  [≤ 1]",
    Find("b sidecar HTTP JSON", "mlp", 1)?.P50Us, Find("a in-process ORT", "mlp", 1) is { } a ? 1.3 * a.P50Us + 150 : null);
Ratio("MLP sidecar binary p50 / (1.3 × in-process p50 + 150 µs) [≤ 1]",
    Find("c sidecar HTTP binary", "mlp", 1)?.P50Us, Find("a in-process ORT", "mlp", 1) is { } a2 ? 1.3 * a2.P50Us + 150 : null);
foreach (var model in new[] { "mlp", "cnn" })
{
    foreach (var clients in clientCounts)
    {
        Ratio($"{model.ToUpperInvariant()} sidecar JSON / node peer throughput, {clients} clients  [≥ 2]",
            Find("b sidecar HTTP JSON", model, clients)?.Throughput, Find("e node peer HTTP JSON", model, clients)?.Throughput);
    }

    foreach (var clients in clientCounts)
    {
        Ratio($"{model.ToUpperInvariant()} batched / unbatched binary throughput, {clients} clients  [≥ 3 at 64 on CNN]",
            Find("d sidecar binary batched", model, clients)?.Throughput, Find("c sidecar HTTP binary", model, clients)?.Throughput);
    }
}

return 0;

// A fresh server JIT-compiles its hot paths during the first seconds; let that happen before measuring.
async Task WarmUp(string url, string json, int binaryHeader, byte[] binaryBody)
{
    await LoadGenerator.RunAsync("warm-up", "", 8, TimeSpan.FromSeconds(2), TimeSpan.Zero, (_, ct) => PostJson(url, json, ct));
    await LoadGenerator.RunAsync("warm-up", "", 8, TimeSpan.FromSeconds(2), TimeSpan.Zero, (_, ct) => PostBinary(url, binaryHeader, binaryBody, ct));
    // The first scenario measured is a single client: warm that path too, or it pays for what 8 clients left cold.
    await LoadGenerator.RunAsync("warm-up", "", 1, TimeSpan.FromSeconds(1), TimeSpan.Zero, (_, ct) => PostJson(url, json, ct));
    await LoadGenerator.RunAsync("warm-up", "", 1, TimeSpan.FromSeconds(1), TimeSpan.Zero, (_, ct) => PostBinary(url, binaryHeader, binaryBody, ct));
}

void Record(Result result)
{
    results.Add(result);
    Console.WriteLine(result);
}

Result? Find(string scenario, string model, int clients) =>
    results.FirstOrDefault(r => r.Scenario == scenario && r.Model == model && r.Clients == clients);

void Ratio(string label, double? numerator, double? denominator) =>
    Console.WriteLine(numerator is { } n && denominator is { } d && d > 0 ? $"  {label}: {n / d:F2}" : $"  {label}: n/a");

async Task<ServerProcess> StartSidecar(string model, string file, int batch)
{
    var port = ServerProcess.FreePort();
    return await ServerProcess.StartAsync("dotnet",
        [sidecarDll, "--model", Path.Combine(root, "tests", "models", file + ".onnx"), "--name", model, "--port", port.ToString(), "--intra-op-threads", "1",
         "--inter-op-threads", "1", "--max-batch-size", batch.ToString(), "--max-batch-delay", "2ms", "--max-inflight", "256"],
        port, async c => (await c.GetAsync("/v2/health/ready")).StatusCode == HttpStatusCode.OK,
        new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning", ["DOTNET_gcServer"] = "0" });
}

async Task<bool> PostJson(string url, string body, CancellationToken ct)
{
    using var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"), ct);
    await response.Content.ReadAsByteArrayAsync(ct);
    return response.IsSuccessStatusCode;
}

async Task<bool> PostBinary(string url, int headerLength, byte[] body, CancellationToken ct)
{
    var content = new ByteArrayContent(body);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    content.Headers.Add("Inference-Header-Content-Length", headerLength.ToString());
    using var response = await http.PostAsync(url, content, ct);
    await response.Content.ReadAsByteArrayAsync(ct);
    return response.IsSuccessStatusCode;
}

static Tensor Workload(params long[] shape)
{
    var random = new Random(7);
    var data = new float[Tensor.ElementCountOf(shape)];
    for (var i = 0; i < data.Length; i++)
    {
        data[i] = random.Next(-16, 17) / 16f;
    }

    return Tensor.From(data, shape);
}

static string JsonBody(string name, Tensor input) => new JsonObject
{
    ["inputs"] = new JsonArray(new JsonObject
    {
        ["name"] = name,
        ["datatype"] = "FP32",
        ["shape"] = new JsonArray(input.Shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
        ["data"] = new JsonArray(input.ToArray<float>().Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
    }),
}.ToJsonString();

// Binary input, binary outputs: the cheapest wire format both ways.
static (int HeaderLength, byte[] Body) BinaryBody(string name, Tensor input)
{
    var header = Encoding.UTF8.GetBytes(new JsonObject
    {
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = name,
            ["datatype"] = "FP32",
            ["shape"] = new JsonArray(input.Shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
            ["parameters"] = new JsonObject { ["binary_data_size"] = input.Bytes.Length },
        }),
        ["parameters"] = new JsonObject { ["binary_data_output"] = true },
    }.ToJsonString());
    return (header.Length, [.. header, .. input.Bytes]);
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "MlOperator.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run the benchmark from inside the repository");
}
