using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Resources;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Bench;

/// <summary>
/// Item 7 of issue 8: many ModelDeployments created at once, the operator running as users run it (its own process,
/// the shipped binary with its default settings and the image's environment) against the emulator in another process
/// (simulated controllers, pods Ready quickly). The emulator is pinned to one CPU, the operator and this load generator
/// to the other, so the operator's CPU time and resident set are its own. A warm-up of a tenth as many ModelDeployments
/// comes first and is reported on its own (compiling the code paths is once per process). The peer, in the same run
/// against the same emulator: a bare HttpClient server-side-applying the same children.
/// </summary>
internal static class OperatorBench
{
    private const string Ns = "md-bench";
    private const string RawNs = "md-raw";
    private const string RawWithControllersNs = "md-raw-controllers";
    private const string PausedNs = "md-paused";
    private const string WarmupNs = "md-warmup";

    /// <summary>The applies-only peer's window is ~1 s, and its rate moved 0.39-0.65 emulator cpu-ms per apply between
    /// runs: the median of three rounds, each on fresh objects, is the figure the ratio uses.</summary>
    private const int RawRounds = 3;

    public static async Task RunAsync(int count, TimeSpan quiet, CancellationToken ct)
    {
        var root = BenchCluster.RepoRoot();
        var operatorBinary = OperatorBinary(root);
        var (serverCpu, clientCpu) = (Cpu("BENCH_SERVER_CPU", 0), Cpu("BENCH_CLIENT_CPU", 1));
        Report.Header($"operator: {count:N0} ModelDeployments; operator process (shipped defaults) on CPU {clientCpu} with this load generator, emulator process on CPU {serverCpu}");
        var dir = Directory.CreateTempSubdirectory("mlop-bench-op-").FullName;
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await using var emulator = StartEmulator(root, serverCpu, dir, kubeconfig);
        var server = new Uri((await emulator.WaitForLineAsync("ready ", TimeSpan.FromSeconds(60), ct)).Split(' ')[1]);
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(120) };
        var connection = KubeConnectionLoader.Load(new KubeConnectionOptions { Path = kubeconfig });
        using var creator = KubeClient.Create(connection, BenchCluster.Unthrottled);
        await InstallCrdsAsync(http, root, ct);
        foreach (var ns in new[] { Ns, RawWithControllersNs, PausedNs, WarmupNs }.Concat(Enumerable.Range(0, RawRounds).Select(r => $"{RawNs}-{r}")))
        {
            await creator.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, ct);
        }

        // What the image runs: the native binary (`make publish-operator`) with the Dockerfile's environment and no flags
        // but where to find the cluster and a free metrics port (8080 may be taken on a shared machine).
        var metricsPort = FreePort();
        var environment = ImageEnvironment(Path.Combine(root, "src", "Operator", "Dockerfile"));
        Report.Note("operator environment (the image's ENV): " + string.Join(' ', environment.Select(p => $"{p.Key}={p.Value}")));
        var diagnostics = Environment.GetEnvironmentVariable("BENCH_DIAGNOSTICS") == "1";
        environment = new Dictionary<string, string?>(environment)
        {
            // BENCH_DIAGNOSTICS=1 keeps the diagnostics port (the image turns it off) so dotnet-trace can attach.
            ["DOTNET_EnableDiagnostics"] = diagnostics ? null : environment.GetValueOrDefault("DOTNET_EnableDiagnostics"),
            // With diagnostics on, perf can name JIT-compiled frames too (perf record -g -p PID).
            ["DOTNET_PerfMapEnabled"] = diagnostics ? "1" : null,
            ["DOTNET_EnableWriteXorExecute"] = diagnostics ? "0" : environment.GetValueOrDefault("DOTNET_EnableWriteXorExecute"),
            ["KUBECONFIG"] = null,
        };
        Report.Note($"operator binary: {string.Join(' ', operatorBinary)}");
        await using var op = ChildProcess.Start(clientCpu, Path.Combine(dir, "operator.log"), environment,
            [.. operatorBinary, "run", "--kubeconfig", kubeconfig, "--metrics-address", $"127.0.0.1:{metricsPort}"]);
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitReadyAsync(op, metrics, ct);
        Report.Note($"operator pid {op.Id} (log {op.LogPath}), emulator pid {emulator.Id} at {server}");
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "mlop-bench-operator.pid"), op.Id.ToString(CultureInfo.InvariantCulture));
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var (idleRss, _) = op.RssMb();
        var template = Template(root);

        var tracker = new ReadinessTracker(creator, Ns);
        using var stopTracking = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tracking = tracker.RunAsync(stopTracking.Token);
        await tracker.Started.WaitAsync(ct);

        // Warm-up: the first ModelDeployments a fresh operator reconciles pay for compiling its code paths (JIT, tier-up).
        // That cost is once per process, not per ModelDeployment, so it is measured here and kept out of the per-MD rows.
        // The warm-up's ModelDeployments stay: the caches then hold count + warmup of them, more than the RSS target counts.
        var warmup = Math.Max(1, count / 10);
        var (coldCpu, coldElapsed) = await WarmUpAsync(creator, op, template, warmup, ct);
        await WaitIdleAsync(emulator, ct);
        await ResetCountsAsync(http, ct);
        var before = await Scrape(metrics, ct);
        var (opCpu0, emuCpu0) = (op.Cpu(), emulator.Cpu());
        var watch = Stopwatch.StartNew();
        await Concurrently.RunAsync(count, 32, (i, c) => creator.CreateAsync(Named(template, i, Ns), c), ct);
        var created = watch.Elapsed;
        TimeSpan? childrenAt = null;
        var lastReport = TimeSpan.Zero;
        var lastPoll = TimeSpan.Zero;
        long childApplies = 0;
        while (watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            // Children are counted from the emulator's request counts (cheap), not by watching them: every watch
            // the bench opens is fan-out work for the emulator that the raw peer does not pay.
            if (childrenAt is null && watch.Elapsed - lastPoll >= TimeSpan.FromMilliseconds(200))
            {
                lastPoll = watch.Elapsed;
                var now = await CountsAsync(http, ct);
                childApplies = ChildApplies(now);
                if (childApplies >= 2 * count)
                {
                    childrenAt = watch.Elapsed;
                }
            }

            if (tracker.Ready >= count && childrenAt is not null)
            {
                break;
            }

            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(15))
            {
                lastReport = watch.Elapsed;
                Report.Note($"t={watch.Elapsed.TotalSeconds:0}s ready {tracker.Ready}/{count}, child applies {childApplies}, loadavg {Report.LoadAverage()}");
            }

            if (op.HasExited)
            {
                throw new InvalidOperationException($"the operator exited: {op.Tail()}");
            }

            await Task.Delay(100, ct);
        }

        var converged = watch.Elapsed;
        var (opCpu, emuCpu) = (op.Cpu() - opCpu0, emulator.Cpu() - emuCpu0);
        var (rss, peakRss) = op.RssMb();
        var rssParts = op.RssPartsMb();
        var after = await Scrape(metrics, ct);
        var counts = await CountsAsync(http, ct);
        var benchCreates = counts.GetValueOrDefault("create modeldeployments");
        var operatorWrites = Writes(counts) - benchCreates;
        var reconciles = after.Sum("controller_reconcile_total") - before.Sum("controller_reconcile_total");
        var requests = after.Sum("kube_client_requests_total") - before.Sum("kube_client_requests_total");
        var applies = after.Sum("kube_client_requests_total", "verb=\"apply\"") - before.Sum("kube_client_requests_total", "verb=\"apply\"");
        var applyRate = 2.0 * count / (childrenAt ?? converged).TotalSeconds;

        Report.Line("creates issued (concurrency 32) in", created.TotalSeconds, "s");
        Report.Line("ModelDeployments Ready=True", tracker.Ready, $"of {count}");
        Report.Line("seconds until the emulator saw 2 child applies per MD", childrenAt?.TotalSeconds ?? double.NaN, "s");
        Report.Line("seconds until every MD is Ready=True (from first create)", converged.TotalSeconds, "s");
        Report.Line("operator throughput", tracker.Ready / converged.TotalSeconds, "MDs Ready/s");
        Report.Line("operator child-apply rate until every child exists", applyRate, "children/s");
        Report.Line($"warm-up: {warmup} ModelDeployments Ready on the fresh operator in", coldElapsed.TotalSeconds, "s");
        Report.Line("  operator CPU per ModelDeployment during the warm-up (compiling its code paths)", coldCpu.TotalMilliseconds / warmup, "cpu-ms");
        Report.Line("  of which once per process (warm-up CPU less warm-up MDs at the rate measured below)", (coldCpu.TotalMilliseconds - warmup * (opCpu.TotalMilliseconds / count)) / 1000, "cpu-s");
        Report.Line("operator process CPU until converged", opCpu.TotalSeconds, "cpu-s");
        Report.Line("  operator CPU per ModelDeployment (target <= 5)", opCpu.TotalMilliseconds / count, "cpu-ms");
        Report.Line("emulator process CPU until converged (peer side, not the operator)", emuCpu.TotalMilliseconds / count, "cpu-ms/MD");
        Report.Line("operator RSS before any ModelDeployment (caches empty)", idleRss, "MB");
        Report.Line("operator RSS after convergence (target < 150)", rss, "MB");
        Report.Line("  of it anonymous (GC heap, native) / file-mapped / shared (W^X code)", rssParts.Anon, $"MB / {rssParts.File:0.#} MB / {rssParts.Shmem:0.#} MB");
        Report.Line("operator peak RSS (VmHWM)", peakRss, "MB");
        Report.Line("reconciles (controller_reconcile_total)", reconciles, "reconciles");
        Report.Line("  of them errors (controller_reconcile_errors_total)", after.Sum("controller_reconcile_errors_total") - before.Sum("controller_reconcile_errors_total"), "errors");
        Report.Line("  per ModelDeployment", reconciles / count, "x");
        // Reconciles per MD move between runs with how many watch events coalesce in the queue (3.3-4.1 on one build):
        // CPU per reconcile is the steadier figure for comparing builds.
        Report.Line("  operator CPU per reconcile while converging", opCpu.TotalMilliseconds / Math.Max(1, reconciles), "cpu-ms");
        Report.Line("operator API requests (kube_client_requests_total)", requests, "requests");
        Report.Line("  per ModelDeployment", requests / count, "req/MD");
        Report.Line("  server-side applies per ModelDeployment", applies / count, "applies/MD");
        Report.Line("API writes per ModelDeployment (emulator, minus the bench's creates)", operatorWrites / (double)count, "writes/MD");
        Report.Line("  of them Event creates and patches (the recorder may still be sending)", counts.Where(p => IsWrite(p.Key) && p.Key.EndsWith(" events", StringComparison.Ordinal)).Sum(p => p.Value) / (double)count, "writes/MD");
        foreach (var (key, value) in counts.Where(p => IsWrite(p.Key) && p.Key != "create modeldeployments").OrderByDescending(p => p.Value).Take(10))
        {
            Report.Note($"write: {key,-40} {value,8}");
        }

        // Steady state: nothing changes, so a correct operator writes nothing (the leader Lease renewals aside). First
        // let the event recorder drain what it queued while converging: those writes belong to convergence.
        var settle = Stopwatch.StartNew();
        var quietFor = 0;
        var lastWrites = Writes(await CountsAsync(http, ct)) - benchCreates;
        while (quietFor < 5 && settle.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(1000, ct);
            var writesNow = Writes(await CountsAsync(http, ct)) - benchCreates;
            // One write a second at most is the leader Lease being renewed.
            quietFor = writesNow - lastWrites <= 1 ? quietFor + 1 : 0;
            lastWrites = writesNow;
        }

        counts = await CountsAsync(http, ct);
        Report.Line("seconds after Ready until the operator stopped writing", Math.Max(0, settle.Elapsed.TotalSeconds - 5), "s");
        Report.Line("  API writes per ModelDeployment including them", (Writes(counts) - benchCreates) / (double)count, "writes/MD");
        Report.Line("  Events the recorder dropped, its buffer full (event_recorder_dropped_total)", (await Scrape(metrics, ct)).Sum("event_recorder_dropped_total"), "events");
        await ResetCountsAsync(http, ct);
        var quietCpu0 = op.Cpu();
        before = await Scrape(metrics, ct);
        await Task.Delay(quiet, ct);
        after = await Scrape(metrics, ct);
        var quietCpu = op.Cpu() - quietCpu0;
        counts = await CountsAsync(http, ct);
        var leaseWrites = counts.Where(p => IsWrite(p.Key) && p.Key.EndsWith(" leases", StringComparison.Ordinal)).Sum(p => p.Value);
        Report.Line($"API writes in {quiet.TotalSeconds:0} s of steady state, Lease renewals excluded (target 0)", Writes(counts) - leaseWrites, "writes");
        Report.Line("  Lease renewals in the same window", leaseWrites, "writes");
        Report.Line("  reconciles in steady state", after.Sum("controller_reconcile_total") - before.Sum("controller_reconcile_total"), "reconciles");
        Report.Line("  operator CPU in steady state", quietCpu.TotalMilliseconds / quiet.TotalSeconds, "cpu-ms/s");
        foreach (var (key, value) in counts.Where(p => IsWrite(p.Key) && !p.Key.EndsWith(" leases", StringComparison.Ordinal)).Take(10))
        {
            Report.Note($"steady write: {key,-36} {value,8}");
        }

        // No-op reconciles: an annotation wakes the controller but changes nothing it derives children or status from.
        await ResetCountsAsync(http, ct);
        before = await Scrape(metrics, ct);
        var touchCpu0 = op.Cpu();
        await Concurrently.RunAsync(count, 16, (i, c) => creator.PatchAsync<Md>($"model-{i:D4}", Ns,
            new V1Patch("""{"metadata":{"annotations":{"bench.mloperator.io/touched":"true"}}}""", V1Patch.PatchType.MergePatch), ct: c), ct);
        var touchWatch = Stopwatch.StartNew();
        double touched = 0;
        while (touchWatch.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(1000, ct);
            after = await Scrape(metrics, ct);
            touched = after.Sum("controller_reconcile_total") - before.Sum("controller_reconcile_total");
            if (touched >= count)
            {
                break;
            }
        }

        var touchCpu = op.Cpu() - touchCpu0;
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        counts = await CountsAsync(http, ct);
        var touchWrites = Writes(counts) - counts.GetValueOrDefault("patch modeldeployments")
            - counts.Where(p => IsWrite(p.Key) && p.Key.EndsWith(" leases", StringComparison.Ordinal)).Sum(p => p.Value);
        Report.Line("no-op reconciles after annotating every MD", touched, "reconciles");
        Report.Line("  operator API writes during them (target 0)", touchWrites, "writes");
        Report.Line("  operator CPU per no-op reconcile (watch event + reconcile)", touchCpu.TotalMilliseconds / Math.Max(1, touched), "cpu-ms");
        var (rssEnd, peakEnd) = op.RssMb();
        Report.Line("operator RSS at the end / peak", rssEnd, $"MB / {peakEnd:0.#} MB");

        // The child-apply rate on the raw peer's footing: the simulated controllers paused, so the window holds what the
        // apiserver does for the operator's requests (and the bench's creates), not a controller-manager's ReplicaSets,
        // pods and status writes. Another count of ModelDeployments, after every row above has been measured.
        await WaitIdleAsync(emulator, ct);
        await ResetCountsAsync(http, ct);
        await PauseControllersAsync(http, true, ct);
        var (pausedCpu0, pausedEmulatorCpu0) = (op.Cpu(), emulator.Cpu());
        var pausedWatch = Stopwatch.StartNew();
        await Concurrently.RunAsync(count, 32, (i, c) => creator.CreateAsync(Named(template, i, PausedNs), c), ct);
        while (pausedWatch.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (ChildApplies(await CountsAsync(http, ct)) >= 2 * count)
            {
                break;
            }

            await Task.Delay(20, ct);
        }

        var pausedElapsed = pausedWatch.Elapsed;
        var (pausedCpu, pausedEmulatorCpu) = (op.Cpu() - pausedCpu0, emulator.Cpu() - pausedEmulatorCpu0);
        var pausedCounts = await CountsAsync(http, ct);
        await PauseControllersAsync(http, false, ct);
        var pausedApplyRate = 2.0 * count / pausedElapsed.TotalSeconds;
        Report.Line($"operator child-apply rate with the simulated controllers paused ({count:N0} more MDs, from the first create)", pausedApplyRate, "children/s");
        Report.Line("  operator CPU per MD in that window", pausedCpu.TotalMilliseconds / count, "cpu-ms");
        Report.Line("  emulator CPU per child applied in that window (creates, applies, status patches, events, watches)", pausedEmulatorCpu.TotalMilliseconds / (2.0 * count), "cpu-ms");
        Report.Line("  API writes per MD in that window, the bench's create included", Writes(pausedCounts) / (double)count, "writes/MD");

        await stopTracking.CancelAsync();
        await tracking;
        await op.StopAsync(TimeSpan.FromSeconds(20));

        // The peer, against the same emulator process: the same ModelDeployments in another namespace, then the
        // Deployments + Services the builder produces for them, applied with a bare HttpClient from this (client) CPU.
        var rounds = new List<(double Rate, double CpuMsPerApply, double EmulatorCpuMsPerApply)>();
        for (var round = 0; round < RawRounds; round++)
        {
            rounds.Add(await RawApplyAsync(creator, http, template, count, emulator, $"{RawNs}-{round}", PeerMode.AppliesOnly, ct));
        }

        var raw = rounds.OrderBy(r => r.Rate).ElementAt(RawRounds / 2);
        var rawWithControllers = await RawApplyAsync(creator, http, template, count, emulator, RawWithControllersNs, PeerMode.WithControllers, ct);
        Report.Line($"raw SSA of the same children, applies only (bare HttpClient, concurrency 8; simulated controllers paused), median of {RawRounds}", raw.Rate, "applies/s");
        Report.Note("rounds: " + string.Join(", ", rounds.Select(r => $"{r.Rate:0} applies/s at {r.EmulatorCpuMsPerApply:0.000} emulator cpu-ms per apply")));
        Report.Line("  emulator CPU per raw apply (the median round)", raw.EmulatorCpuMsPerApply, "cpu-ms");
        Report.Line("raw SSA of the same children, until the simulated controllers have also acted on them", rawWithControllers.Rate, "applies/s");
        Report.Line("  emulator CPU per raw apply, the controllers' ReplicaSets, pods and status writes included", rawWithControllers.EmulatorCpuMsPerApply, "cpu-ms");
        Report.Line("ratio operator child-apply rate / raw apply rate, both with the controllers paused (target >= 0.5)", pausedApplyRate / raw.Rate, "x");
        Report.Line("ratio operator child-apply rate / raw apply rate, both with the controllers running", applyRate / rawWithControllers.Rate, "x");
        Report.Line("  the operator's rate with the controllers running / raw applies only (the row of earlier runs)", applyRate / raw.Rate, "x");
        Report.Line("ratio operator MDs Ready/s / raw ceiling (raw applies/s / 2)", tracker.Ready / converged.TotalSeconds / (raw.Rate / 2), "x");
        Report.Line("raw peer's client CPU per apply (one round trip, body serialized beforehand, response not parsed)", raw.CpuMsPerApply, "cpu-ms");
        Report.Note("the operator's path per MD is reconciles, 2 applies, status patches, events and a wait for pods; raw is the 2 applies alone");
        Report.Note($"loadavg at the end {Report.LoadAverage()}");
        await emulator.StopAsync(TimeSpan.FromSeconds(10));
        foreach (var line in File.ReadLines(op.LogPath).Where(l => l.Contains("\"level\":\"warn\"", StringComparison.Ordinal) || l.Contains("\"level\":\"error\"", StringComparison.Ordinal)).Take(5))
        {
            Report.Note("operator log: " + (line.Length > 300 ? line[..300] : line));
        }

        Directory.Delete(dir, recursive: true);
    }

    /// <summary>
    /// The raw peer alone, several rounds against one emulator process, each in fresh namespaces: how steady each mode
    /// is. Before the controllers could be paused, the single raw window moved between 0.6 and 1.8 emulator cpu-ms per
    /// apply from round to round, on whether the controllers got the core inside it.
    /// </summary>
    public static async Task PeerAsync(int count, int rounds, CancellationToken ct)
    {
        var root = BenchCluster.RepoRoot();
        Report.Header($"raw SSA peer alone: {rounds} rounds of {2 * count:N0} applies per mode, emulator process on CPU {Cpu("BENCH_SERVER_CPU", 0)}");
        var dir = Directory.CreateTempSubdirectory("mlop-bench-peer-").FullName;
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await using var emulator = StartEmulator(root, Cpu("BENCH_SERVER_CPU", 0), dir, kubeconfig);
        using var http = new HttpClient { BaseAddress = new Uri((await emulator.WaitForLineAsync("ready ", TimeSpan.FromSeconds(60), ct)).Split(' ')[1]), Timeout = TimeSpan.FromSeconds(120) };
        using var creator = KubeClient.Create(KubeConnectionLoader.Load(new KubeConnectionOptions { Path = kubeconfig }), BenchCluster.Unthrottled);
        await InstallCrdsAsync(http, root, ct);
        var template = Template(root);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var mode in new[] { PeerMode.AppliesOnly, PeerMode.WithControllers })
            {
                var ns = $"md-raw-{round}-{mode.ToString().ToLowerInvariant()}";
                await creator.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, ct);
                var raw = await RawApplyAsync(creator, http, template, count, emulator, ns, mode, ct);
                Report.Line($"round {round}, {mode}", raw.Rate, $"applies/s, emulator {raw.EmulatorCpuMsPerApply:0.000} cpu-ms per apply");
            }
        }

        await emulator.StopAsync(TimeSpan.FromSeconds(10));
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>
    /// The emulator process on its own CPU, with simulated controllers and pods Ready 0.1 s after creation.
    /// BENCH_EMULATOR_DLL runs another emulator build, to tell the peer's changes from the operator's.
    /// </summary>
    private static ChildProcess StartEmulator(string root, int cpu, string dir, string kubeconfig)
    {
        var dll = Environment.GetEnvironmentVariable("BENCH_EMULATOR_DLL") is { Length: > 0 } other
            ? other
            : Path.Combine(root, "tests", "Kubernetes.Emulator", "bin", "Release", "net10.0", "MlOperator.Kubernetes.Emulator.dll");

        // The emulator stands in for the cluster, it is not what is measured: its hot paths get optimized code from the
        // start, so that its warm-up does not land in the window measured after the operator's warm-up.
        // - With the runtime's default call-counting delay (100 ms after the last tier-0 compile), a server that keeps
        //   compiling new generic instantiations under load ran its controllers and request handlers at tier 0 for whole
        //   runs in some runs and not others (perf: emulator CPU per MD 16.7 vs 6.6 ms in back-to-back runs).
        // - With dynamic PGO, methods go through an instrumented tier before the final one, and the second promotion came
        //   inside the operator's window: perf put 20.7% of the emulator's samples there in the JIT, emulator CPU per MD
        //   7.9 ms against 6.5 without it. The raw peer, measured last, met an emulator that had finished (0.645 and
        //   0.67 cpu-ms per apply either way).
        var environment = new Dictionary<string, string?> { ["DOTNET_TC_CallCountingDelayMs"] = "0", ["DOTNET_TieredPGO"] = "0" };
        return ChildProcess.Start(cpu, Path.Combine(dir, "emulator.log"), environment,
            "dotnet", dll, "--port", "0", "--kubeconfig", kubeconfig, "--simulate-controllers", "--pod-ready-delay", "0.1");
    }

    /// <summary>
    /// The command that starts the operator: the native AOT binary the image ships (<c>make publish-operator</c> puts it
    /// in .dev/operator-aot), or with BENCH_OPERATOR_JIT=1 the JIT build, to compare the two in one session.
    /// </summary>
    public static string[] OperatorBinary(string root)
    {
        if (Environment.GetEnvironmentVariable("BENCH_OPERATOR_JIT") == "1")
        {
            return ["dotnet", Path.Combine(root, "src", "Operator", "bin", "Release", "net10.0", "MlOperator.Operator.dll")];
        }

        var native = Path.Combine(root, ".dev", "operator-aot", "MlOperator.Operator");
        return File.Exists(native)
            ? [native]
            : throw new FileNotFoundException($"{native} is missing: run `make publish-operator` (bench-operator does) first", native);
    }

    /// <summary>The ENV lines of the operator's Dockerfile (KEY=VALUE, continued with backslashes): the bench runs what the image runs.</summary>
    internal static Dictionary<string, string?> ImageEnvironment(string dockerfile)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        var inEnv = false;
        foreach (var raw in File.ReadLines(dockerfile))
        {
            var line = raw.Trim();
            if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                inEnv = true;
                line = line[4..];
            }
            else if (!inEnv)
            {
                continue;
            }

            var continued = line.EndsWith('\\');
            foreach (var pair in line.TrimEnd('\\').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq > 0)
                {
                    environment[pair[..eq]] = pair[(eq + 1)..];
                }
            }

            inEnv = continued;
        }

        return environment;
    }

    internal static int Cpu(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cpu) ? cpu : fallback;

    /// <summary>
    /// Waits (at most 90 s) until the emulator's simulated controllers have caught up (under 10% of its CPU over a
    /// second), so each phase starts from a quiet server and the operator and the raw peer meet the same one.
    /// </summary>
    private static async Task WaitIdleAsync(ChildProcess emulator, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            var cpu = emulator.Cpu();
            await Task.Delay(1000, ct);
            if ((emulator.Cpu() - cpu).TotalMilliseconds < 100)
            {
                Report.Note($"emulator idle after {watch.Elapsed.TotalSeconds:0} s");
                return;
            }
        }

        Report.Note("emulator still busy after 90 s; measuring anyway");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task WaitReadyAsync(ChildProcess op, HttpClient metrics, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (op.HasExited)
            {
                throw new InvalidOperationException($"the operator exited before it was ready: {op.Tail()}");
            }

            try
            {
                using var response = await metrics.GetAsync("/readyz", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, ct);
        }

        throw new TimeoutException($"the operator was not ready within 90 s: {op.Tail()}");
    }

    /// <summary>The shipped CRDs, server-side applied over HTTP as kubectl would.</summary>
    internal static async Task InstallCrdsAsync(HttpClient http, string root, CancellationToken ct)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(root, "config", "crds"), "*.yaml"))
        {
            var json = KubeYaml.ToJson(await File.ReadAllTextAsync(file, ct));
            var name = JsonNode.Parse(json)!["metadata"]!["name"]!.GetValue<string>();
            await PatchAsync(http, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}?fieldManager=mloperator-bench&force=true",
                Encoding.UTF8.GetBytes(json), "application/apply-patch+yaml", ct);
        }
    }

    private static async Task PatchAsync(HttpClient http, string path, byte[] body, string contentType, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = content };
        using var response = await http.SendAsync(request, ct);
        await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PATCH {path} answered {(int)response.StatusCode}");
        }
    }

    private static async Task ResetCountsAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.DeleteAsync("/emulator/counts", ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The emulator's request counts, keyed "verb resource[/subresource]".</summary>
    private static async Task<Dictionary<string, long>> CountsAsync(HttpClient http, CancellationToken ct)
    {
        var node = JsonNode.Parse(await http.GetStringAsync("/emulator/counts", ct))!.AsObject();
        return node.ToDictionary(p => p.Key, p => p.Value!.GetValue<long>());
    }

    /// <summary>The children's server-side applies among the emulator's request counts: Deployments and Services.</summary>
    private static long ChildApplies(Dictionary<string, long> counts) =>
        counts.GetValueOrDefault("patch deployments") + counts.GetValueOrDefault("patch services");

    private static bool IsWrite(string key) =>
        key.StartsWith("create ", StringComparison.Ordinal) || key.StartsWith("update ", StringComparison.Ordinal)
        || key.StartsWith("patch ", StringComparison.Ordinal) || key.StartsWith("delete", StringComparison.Ordinal);

    private static long Writes(Dictionary<string, long> counts) => counts.Where(p => IsWrite(p.Key)).Sum(p => p.Value);

    private static async Task<Exposition> Scrape(HttpClient metrics, CancellationToken ct) => new(await metrics.GetStringAsync("/metrics", ct));

    /// <summary>The operator's /metrics text; sums the samples of one metric, optionally only those with a label.</summary>
    private sealed class Exposition(string text)
    {
        private readonly string[] _lines = text.Split('\n');

        public double Sum(string metric, string? label = null) => _lines
            .Where(l => (l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
                && (label is null || l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>Follows the ModelDeployments of a namespace through one watch on the bench's own client.</summary>
    private sealed class ReadinessTracker(KubeClient client, string ns)
    {
        private readonly ConcurrentDictionary<string, bool> _ready = new();
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public int Ready => _ready.Count;

        public Task RunAsync(CancellationToken ct) => Follower.FollowAsync<Md>(client, ns, _started, (type, md) =>
            {
                if (type == WatchEventType.Deleted)
                {
                    return;
                }

                if (IsReady(md))
                {
                    _ready[md.Metadata.Name] = true;
                }
                else
                {
                    _ready.TryRemove(md.Metadata.Name, out _);
                }
            }, ct);
    }

    private static bool IsReady(Md md) =>
        md.Status?.ObservedGeneration == md.Metadata.Generation
        && md.Status?.Conditions?.Any(c => c.Type == ModelDeploymentConditions.Ready && c.Status == "True") == true;

    /// <summary>The shipped CPU sample with one replica, so 1,000 of them make 1,000 pods.</summary>
    private static Md Template(string root)
    {
        var md = KubeYaml.Deserialize<Md>(File.ReadAllText(Path.Combine(root, "config", "samples", "cpu-model.yaml")));
        md.Spec.Replicas = 1;
        return md;
    }

    private static Md Named(Md template, int i, string ns)
    {
        var md = KubeJson.DeepCopy(template);
        md.Metadata.Name = $"model-{i:D4}";
        md.Metadata.NamespaceProperty = ns;
        return md;
    }

    /// <summary>Creates <paramref name="count"/> ModelDeployments in the warm-up namespace and waits until all are Ready:
    /// the operator's CPU for them, and how long it took.</summary>
    private static async Task<(TimeSpan Cpu, TimeSpan Elapsed)> WarmUpAsync(KubeClient creator, ChildProcess op, Md template, int count, CancellationToken ct)
    {
        var tracker = new ReadinessTracker(creator, WarmupNs);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tracking = tracker.RunAsync(stop.Token);
        await tracker.Started.WaitAsync(ct);
        var cpu0 = op.Cpu();
        var watch = Stopwatch.StartNew();
        await Concurrently.RunAsync(count, 32, (i, c) => creator.CreateAsync(Named(template, i, WarmupNs), c), ct);
        while (tracker.Ready < count)
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(3) || op.HasExited)
            {
                throw new InvalidOperationException($"warm-up: {tracker.Ready} of {count} ModelDeployments Ready after {watch.Elapsed.TotalSeconds:0} s: {op.Tail()}");
            }

            await Task.Delay(100, ct);
        }

        var result = (op.Cpu() - cpu0, watch.Elapsed);
        await stop.CancelAsync();
        await tracking;
        return result;
    }

    private enum PeerMode
    {
        /// <summary>The simulated controllers are paused while the applies run: the apiserver's own work, nothing else.</summary>
        AppliesOnly,

        /// <summary>The controllers run, and the window ends once their queue is empty: the applies and the ReplicaSet,
        /// pod and status writes they cause, as the operator's window holds them.</summary>
        WithControllers,
    }

    /// <summary>Server-side applies of the same children with a bare HttpClient: the rate, this process's CPU per
    /// apply (bodies serialized beforehand, responses not parsed: the cost of one HTTP round trip on this host) and the
    /// emulator's.</summary>
    private static async Task<(double Rate, double CpuMsPerApply, double EmulatorCpuMsPerApply)> RawApplyAsync(KubeClient creator, HttpClient http, Md template, int count, ChildProcess emulator, string ns, PeerMode mode, CancellationToken ct)
    {
        var mds = new ConcurrentBag<Md>();
        await Concurrently.RunAsync(count, 32, async (i, c) => mds.Add(await creator.CreateAsync(Named(template, i, ns), c)), ct);
        var children = mds.SelectMany(md =>
        {
            var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);
            return desired.Deployments.Cast<IKubernetesObject<V1ObjectMeta>>().Append(desired.Service);
        }).Select(o => (Path: PathOf(o), Body: Encoding.UTF8.GetBytes(KubeJson.Serialize(KubeResource.Stamp(o))))).ToList();
        await WaitIdleAsync(emulator, ct);
        if (mode == PeerMode.AppliesOnly)
        {
            await PauseControllersAsync(http, true, ct);
        }

        var (cpu0, emulatorCpu0) = (Process.GetCurrentProcess().TotalProcessorTime, emulator.Cpu());
        var watch = Stopwatch.StartNew();
        await Concurrently.RunAsync(children.Count, 8, (i, c) =>
            PatchAsync(http, children[i].Path + "?fieldManager=mloperator&force=true", children[i].Body, "application/apply-patch+yaml", c), ct);
        if (mode == PeerMode.WithControllers)
        {
            while (await ControllersPendingAsync(http, ct) > 0)
            {
                await Task.Delay(10, ct);
            }
        }

        var elapsed = watch.Elapsed;
        var (cpu, emulatorCpu) = (Process.GetCurrentProcess().TotalProcessorTime - cpu0, emulator.Cpu() - emulatorCpu0);
        if (mode == PeerMode.AppliesOnly)
        {
            await PauseControllersAsync(http, false, ct);
        }

        return (children.Count / elapsed.TotalSeconds, cpu.TotalMilliseconds / children.Count, emulatorCpu.TotalMilliseconds / children.Count);
    }

    private static async Task PauseControllersAsync(HttpClient http, bool paused, CancellationToken ct)
    {
        using var response = await http.PostAsync("/emulator/controllers", new StringContent($$"""{"paused":{{(paused ? "true" : "false")}}}"""), ct);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<long> ControllersPendingAsync(HttpClient http, CancellationToken ct) =>
        JsonNode.Parse(await http.GetStringAsync("/emulator/controllers", ct))!["pending"]!.GetValue<long>();

    private static string PathOf(IKubernetesObject<V1ObjectMeta> o)
    {
        var resource = KubeResource.For(o.GetType());
        var prefix = resource.Group.Length == 0 ? "/api/v1" : $"/apis/{resource.Group}/{resource.Version}";
        return $"{prefix}/namespaces/{o.Metadata.NamespaceProperty}/{resource.Plural}/{o.Metadata.Name}";
    }
}
