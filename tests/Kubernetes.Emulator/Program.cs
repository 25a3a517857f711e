using System.CommandLine;
using System.Runtime.InteropServices;
using MlOperator.Kubernetes.Emulator;

// CLI: serve the emulator until Ctrl-C; prints exactly one "ready ..." line once it accepts requests.
var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 = any free port)", DefaultValueFactory = _ => 6443 };
var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Write a kubeconfig for this emulator to PATH" };
var simulate = new Option<bool>("--simulate-controllers") { Description = "Run the garbage collector, Deployment and ResourceQuota controllers" };
var token = new Option<string?>("--token") { Description = "Require this bearer token" };
var tls = new Option<bool>("--tls") { Description = "Serve https with a generated self-signed certificate" };
var readyDelay = new Option<double>("--pod-ready-delay") { Description = "Simulated pods turn Ready this many seconds after creation (watch a rollout with kubectl rollout status)" };
var realPods = new Option<bool>("--real-pods") { Description = "Run each inference sidecar pod as a real process on its own 127.1.x.y, with a TCP proxy per Service (implies --simulate-controllers)" };
var sidecar = new Option<string?>("--sidecar") { Description = "The built sidecar dll or executable (default: src/Inference.Sidecar/bin/<configuration>/net10.0 of this repository)" };
var models = new Option<string[]>("--model") { Description = "URI=PATH: serve the local file PATH for pods whose model URI is URI (repeatable)", AllowMultipleArgumentsPerToken = false };
var modelsDir = new Option<string?>("--models-dir") { Description = "Serve DIR/<file name of the URI> for any model URI whose file name exists there (e.g. file:///models/mlp.onnx → DIR/mlp.onnx)" };
var podLogs = new Option<string?>("--pod-logs") { Description = "Write each real pod's output to DIR/<namespace>_<pod>.log" };
var root = new RootCommand("In-process Kubernetes API emulator for tests") { port, kubeconfig, simulate, token, tls, readyDelay, realPods, sidecar, models, modelsDir, podLogs };
root.SetAction(async (parse, cancellationToken) =>
{
    RealPodOptions? real = null;
    if (parse.GetValue(realPods))
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in parse.GetValue(models) ?? [])
        {
            var eq = pair.LastIndexOf('=');
            if (eq <= 0)
            {
                Console.Error.WriteLine($"error: --model wants URI=PATH, got '{pair}'");
                return 2;
            }
            map[pair[..eq]] = Path.GetFullPath(pair[(eq + 1)..]);
        }
        var dir = parse.GetValue(modelsDir) is { } d ? Path.GetFullPath(d) : null;
        var sidecarPath = parse.GetValue(sidecar) ?? DefaultSidecar();
        if (!File.Exists(sidecarPath))
        {
            Console.Error.WriteLine($"error: no sidecar at {sidecarPath} (build src/Inference.Sidecar or pass --sidecar)");
            return 2;
        }
        real = new RealPodOptions
        {
            SidecarPath = sidecarPath,
            Models = map,
            ResolveModel = dir is null ? null : uri => Path.Combine(dir, uri[(uri.LastIndexOf('/') + 1)..]),
            LogDirectory = parse.GetValue(podLogs),
            Log = line =>
            {
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            },
        };
    }
    var options = new EmulatorOptions
    {
        Port = parse.GetValue(port),
        SimulateControllers = parse.GetValue(simulate) || real is not null,
        RealPods = real,
        Token = parse.GetValue(token),
        Tls = parse.GetValue(tls),
        PodReadyDelay = TimeSpan.FromSeconds(parse.GetValue(readyDelay)),
    };
    await using var emulator = await KubeEmulator.StartAsync(options, cancellationToken);
    var path = parse.GetValue(kubeconfig);
    if (path is not null) emulator.WriteKubeconfig(path);
    Console.Out.WriteLine($"ready {emulator.BaseAddress.ToString().TrimEnd('/')}{(path is null ? "" : $" kubeconfig={path}")}");
    Console.Out.Flush();
    try
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
    catch (OperationCanceledException)
    {
    }
    return 0;
});
// SIGTERM and Ctrl-C are handled here, not by System.CommandLine: its handler exits the process 2 s after cancelling,
// and disposing the emulator (which kills every real pod's process) can take longer on a loaded machine, which left
// sidecars running after the emulator had gone.
using var shutdown = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Shutdown);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Shutdown);
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, shutdown.Token);

// A second signal is not cancelled: the runtime ends the process at once.
void Shutdown(PosixSignalContext context)
{
    context.Cancel = !shutdown.IsCancellationRequested;
    shutdown.Cancel();
}

// The sidecar built in this repository, in the configuration this emulator was built in.
static string DefaultSidecar()
{
    var bin = new DirectoryInfo(AppContext.BaseDirectory);
    var configuration = bin.Parent?.Name ?? "Release";
    for (var dir = bin; dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "MlOperator.sln")))
            return Path.Combine(dir.FullName, "src", "Inference.Sidecar", "bin", configuration, "net10.0", "MlOperator.Inference.Sidecar.dll");
    return "MlOperator.Inference.Sidecar.dll";
}
