using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Onnx;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Sidecar.Bench;

// The sidecar benchmark: numbers and ratios, never pass/fail. What a pod runs is what is measured: the sidecar with
// its shipped defaults and the image's environment, pinned with taskset to one core; wrk (Debian) pinned to another;
// the Node.js peer (onnxruntime-node) on the same core in the same run. BENCH_SECONDS (8), BENCH_WARMUP (20),
// BENCH_REPEATS (3), BENCH_SERVER_CPU (0) and BENCH_CLIENT_CPU (1) change the run.
var seconds = Env("BENCH_SECONDS", 8);
// A fresh server JIT-compiles its hot paths in its first seconds; that is not what a long-running pod pays. On one
// shared core 2 s was not enough to reach optimized code (the first scenario measured ~1.5x the CPU per request of
// the same server 5 s later). After 5 s the profile still had ~10% of the core in the JIT (tier-0 code and
// rejits), and with 20 s the same build used 17-19 µs per JSON request instead of 24-25: each scenario warms up for
// 20 s by default, the Node peer alike, so what is measured is the steady state a pod serves in.
var warmup = TimeSpan.FromSeconds(Env("BENCH_WARMUP", 20));
var repeats = Env("BENCH_REPEATS", 3);
var serverCpu = Environment.GetEnvironmentVariable("BENCH_SERVER_CPU") is { Length: > 0 } sc ? sc : "0";
var clientCpu = Environment.GetEnvironmentVariable("BENCH_CLIENT_CPU") is { Length: > 0 } cc ? cc : "1";
var duration = TimeSpan.FromSeconds(seconds);
var root = FindRepoRoot();
// BENCH_SIDECAR_DLL measures another build of the sidecar (e.g. the previous commit's) with the same harness.
var sidecarDll = Environment.GetEnvironmentVariable("BENCH_SIDECAR_DLL") is { Length: > 0 } other ? other : typeof(InferRequest).Assembly.Location;
var script = Path.Combine(root, "bench", "Sidecar.Bench", "post.lua");
var peerDir = Path.Combine(root, "bench", "Sidecar.Bench", "node-peer");
var work = Directory.CreateTempSubdirectory("sidecar-bench-");

// The image's environment (src/Inference.Sidecar/Dockerfile ENV), nothing else: no log silencing, no GC tuning.
var image = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0", ["DOTNET_EnableDiagnostics"] = "0", ["DOTNET_NOLOGO"] = "1" };
// What the operator's pod adds (src/Operator/Api/V1Alpha1/ModelDeploymentDefaults.cs: maxBatchSize 8, maxBatchDelay 2ms),
// so the MLP runs measure the configuration a ModelDeployment without spec.runtime.batching runs.
var pod = new Dictionary<string, string>(image) { [SidecarOptions.MaxBatchSizeKey] = "8", [SidecarOptions.MaxBatchDelayKey] = "2ms" };

Console.WriteLine($"Sidecar benchmark: ONNX Runtime {OnnxRuntime.Shared.Version} (NuGet), server on CPU {serverCpu}, wrk on CPU {clientCpu}, " +
    $"{seconds}s per run after a {warmup.TotalSeconds:F0}s warm-up, {repeats} repeats; {Environment.ProcessorCount} CPUs visible, shared machine: read ranges, not points");
Console.WriteLine("Sidecar: shipped defaults, the image's environment and the batching the operator's pod sets (MLP runs; quiet per request by default, as pods run it). " +
    "Node peer: bench/Sidecar.Bench/node-peer (onnxruntime-node, 1 intra-op thread).");
Console.WriteLine();

var mlp = Workload(1, 64);
var cnn = Workload(1, 3, 32, 32);
var mlpJson = Write("mlp.json", JsonBody("input", mlp));
var (mlpHeader, mlpBinary) = BinaryBody("input", mlp);
var mlpBinaryFile = Write("mlp.bin", mlpBinary);
var (cnnHeader, cnnBinary) = BinaryBody("image", cnn);
var cnnBinaryFile = Write("cnn.bin", cnnBinary);
var peerAvailable = Directory.Exists(Path.Combine(peerDir, "node_modules", "onnxruntime-node"));

var rounds = new List<Dictionary<string, Result>>();
for (var round = 1; round <= repeats; round++)
{
    Console.WriteLine($"Round {round}/{repeats}");
    var results = new Dictionary<string, Result>();
    rounds.Add(results);

    await using (var sidecar = await StartSidecar("mlp_bench", pod))
    {
        var url = InferUrl(sidecar, "mlp_bench");
        await Measure(sidecar, results, "sidecar JSON", url, 16, mlpJson, "application/json", null);
        await Measure(sidecar, results, "sidecar JSON", url, 1, mlpJson, "application/json", null);
        await Measure(sidecar, results, "sidecar binary", url, 16, mlpBinaryFile, "application/octet-stream", mlpHeader);
    }

    if (peerAvailable)
    {
        var port = ServerProcess.FreePort();
        await using var peer = await ServerProcess.StartAsync("taskset",
            ["-c", serverCpu, "node", Path.Combine(peerDir, "server.js"), Path.Combine(root, "tests", "models", "mlp_bench.onnx"), port.ToString(CultureInfo.InvariantCulture), "mlp_bench"],
            port, async c => (await c.PostAsync("/v2/models/mlp_bench/infer", new StringContent(File.ReadAllText(mlpJson), Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
        var url = InferUrl(peer, "mlp_bench");
        await Measure(peer, results, "node peer JSON", url, 16, mlpJson, "application/json", null);
        await Measure(peer, results, "node peer JSON", url, 1, mlpJson, "application/json", null);
    }
    else
    {
        Console.WriteLine("  (node peer skipped: run `make bench-sidecar`, which installs onnxruntime-node with npm)");
    }

    await using (var sidecar = await StartSidecar("cnn_bench", image))
    {
        await Measure(sidecar, results, "CNN binary unbatched", InferUrl(sidecar, "cnn_bench"), 64, cnnBinaryFile, "application/octet-stream", cnnHeader);
    }

    await using (var sidecar = await StartSidecar("cnn_bench", image, "--max-batch-size", "64"))
    {
        await Measure(sidecar, results, "CNN binary --max-batch-size 64", InferUrl(sidecar, "cnn_bench"), 64, cnnBinaryFile, "application/octet-stream", cnnHeader);
    }

    Console.WriteLine();
}

Console.WriteLine("Ratios over the rounds, min–max (targets in brackets; informational, never asserted):");
Console.WriteLine("  On equal CPU (node CPU/request ÷ sidecar CPU/request; not inflated by waiting for the shared core):");
Ratio("  sidecar JSON vs node JSON, 16 conns          [≥ 2]", r => Cpu(r, "node peer JSON", 16) / Cpu(r, "sidecar JSON", 16));
Ratio("  sidecar JSON vs node JSON, 1 conn            [≥ 1.3]", r => Cpu(r, "node peer JSON", 1) / Cpu(r, "sidecar JSON", 1));
Ratio("  sidecar binary vs node JSON, 16 conns        [≥ 3]", r => Cpu(r, "node peer JSON", 16) / Cpu(r, "sidecar binary", 16));
Console.WriteLine("  Wall-clock throughput (each run meets whatever else the machine is doing then):");
Ratio("sidecar JSON / node JSON throughput, 16 conns [≥ 2]", r => Tput(r, "sidecar JSON", 16) / Tput(r, "node peer JSON", 16));
Ratio("sidecar JSON / node JSON throughput, 1 conn   [≥ 1.3]", r => Tput(r, "sidecar JSON", 1) / Tput(r, "node peer JSON", 1));
Ratio("sidecar binary / node JSON throughput, 16 conns [≥ 3]", r => Tput(r, "sidecar binary", 16) / Tput(r, "node peer JSON", 16));
Ratio("sidecar JSON p99 / node JSON p99, 16 conns    [≤ 1]", r => P99(r, "sidecar JSON", 16) / P99(r, "node peer JSON", 16));
Ratio("CNN batched / unbatched throughput, 64 conns  [≥ 3]", r => Tput(r, "CNN binary --max-batch-size 64", 64) / Tput(r, "CNN binary unbatched", 64));
work.Delete(recursive: true);
return 0;

async Task Measure(ServerProcess server, Dictionary<string, Result> results, string scenario, string url, int connections, string body, string contentType, int? headerLength)
{
    await Wrk.RunAsync("warm-up", clientCpu, url, connections, warmup, body, contentType, headerLength, script);
    var cpu = server.CpuSeconds();
    var result = await Wrk.RunAsync(scenario, clientCpu, url, connections, duration, body, contentType, headerLength, script);
    result = result with { CpuUsPerRequest = (server.CpuSeconds() - cpu) * 1e6 / Math.Max(1, result.Requests) };
    results[$"{scenario}@{connections}"] = result;
    Console.WriteLine("  " + result);
}

async Task<ServerProcess> StartSidecar(string model, Dictionary<string, string> environment, params string[] extra)
{
    var port = ServerProcess.FreePort();
    return await ServerProcess.StartAsync("taskset",
        ["-c", serverCpu, "dotnet", sidecarDll, "--model", Path.Combine(root, "tests", "models", model + ".onnx"), "--name", model,
         "--port", port.ToString(CultureInfo.InvariantCulture), .. extra],
        port, async c => (await c.GetAsync("/v2/health/ready")).StatusCode == HttpStatusCode.OK, environment);
}

static string InferUrl(ServerProcess server, string model) => $"http://127.0.0.1:{server.Port}/v2/models/{model}/infer";

double Tput(Dictionary<string, Result> r, string scenario, int connections) =>
    r.TryGetValue($"{scenario}@{connections}", out var x) ? x.Throughput : double.NaN;

double Cpu(Dictionary<string, Result> r, string scenario, int connections) =>
    r.TryGetValue($"{scenario}@{connections}", out var x) ? x.CpuUsPerRequest : double.NaN;

double P99(Dictionary<string, Result> r, string scenario, int connections) =>
    r.TryGetValue($"{scenario}@{connections}", out var x) ? x.P99Us : double.NaN;

void Ratio(string label, Func<Dictionary<string, Result>, double> ratio)
{
    var values = rounds.Select(ratio).Where(v => !double.IsNaN(v)).ToArray();
    Console.WriteLine(values.Length == 0
        ? $"  {label}: n/a"
        : $"  {label}: {values.Min():F2}–{values.Max():F2}  ({string.Join(", ", values.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))})");
}

string Write(string name, byte[] bytes)
{
    var path = Path.Combine(work.FullName, name);
    File.WriteAllBytes(path, bytes);
    return path;
}

static int Env(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

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

static byte[] JsonBody(string name, Tensor input) => Encoding.UTF8.GetBytes(new JsonObject
{
    ["inputs"] = new JsonArray(new JsonObject
    {
        ["name"] = name,
        ["datatype"] = "FP32",
        ["shape"] = new JsonArray(input.Shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
        ["data"] = new JsonArray(input.ToArray<float>().Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
    }),
}.ToJsonString());

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
