using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using MlOperator.Kubernetes.Emulator.Traffic;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;
using static MlOperator.Operator.Api.V1Alpha1.ModelDeploymentConditions;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Bench;

/// <summary>
/// Item 14 of issue 11: canary rollouts as users run them. The shipped operator binary with the image's environment in
/// its own process; the emulator in another with <c>--real-pods</c>, so every pod is the built inference sidecar serving
/// tests/models/mlp.onnx and the Service is a real TCP proxy; steady real traffic (<see cref="InferenceTraffic"/>) from
/// this process. The emulator and its pods are pinned to the server CPU, this load generator and the operator to the
/// client CPU. Each round: a healthy version promoted through its steps (overhead = spec change → promotion minus the
/// pauses), then a version failing 20 % of its requests (detection latency = first canary pod Ready → rollback, against
/// interval × failureLimit + one interval). Numbers only.
/// </summary>
internal static class RolloutBench
{
    private const string Ns = "rollout-bench";
    private const string Name = "mlp";
    private const string Body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}]}";
    private const double BadErrorRate = 0.2;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(180);
    private static readonly (int Weight, TimeSpan Pause)[] Steps = [(25, TimeSpan.FromSeconds(5)), (50, TimeSpan.FromSeconds(5))];
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const int FailureLimit = 2;

    public static async Task RunAsync(int replicas, int rounds, CancellationToken ct)
    {
        var root = BenchCluster.RepoRoot();
        var bin = Path.Combine("bin", "Release", "net10.0");
        var emulatorDll = Path.Combine(root, "tests", "Kubernetes.Emulator", bin, "MlOperator.Kubernetes.Emulator.dll");
        var operatorBinary = OperatorBench.OperatorBinary(root);
        var sidecarDll = Path.Combine(root, "src", "Inference.Sidecar", bin, "MlOperator.Inference.Sidecar.dll");
        var (serverCpu, clientCpu) = (OperatorBench.Cpu("BENCH_SERVER_CPU", 0), OperatorBench.Cpu("BENCH_CLIENT_CPU", 1));
        var operatorCpu = OperatorBench.Cpu("BENCH_OPERATOR_CPU", clientCpu);
        Report.Header($"rollout: ModelDeployment {Name}, {replicas} replicas, steps {string.Join(", ", Steps.Select(s => $"{s.Weight}%/{s.Pause.TotalSeconds:0}s"))}, "
            + $"analysis every {Interval.TotalSeconds:0}s, failureLimit {FailureLimit}; emulator + real sidecar pods on CPU {serverCpu}, "
            + $"operator (shipped defaults) on CPU {operatorCpu}, traffic on CPU {clientCpu}");
        var dir = Directory.CreateTempSubdirectory("mlop-bench-rollout-").FullName;
        var kubeconfig = Path.Combine(dir, "kubeconfig");

        // Every model URI pvc://model-store/vN/mlp.onnx maps by file name to tests/models/mlp.onnx, so each version is a
        // new URI (a new revision) with a real model behind it.
        await using var emulator = ChildProcess.Start(serverCpu, Path.Combine(dir, "emulator.log"), new Dictionary<string, string?>(),
            "dotnet", emulatorDll, "--port", "0", "--kubeconfig", kubeconfig, "--real-pods", "--sidecar", sidecarDll,
            "--models-dir", Path.Combine(root, "tests", "models"), "--pod-logs", Path.Combine(dir, "pods"));
        var server = new Uri((await emulator.WaitForLineAsync("ready ", TimeSpan.FromSeconds(60), ct)).Split(' ')[1]);
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        using var client = KubeClient.Create(KubeConnectionLoader.Load(new KubeConnectionOptions { Path = kubeconfig }), BenchCluster.Unthrottled);
        await OperatorBench.InstallCrdsAsync(http, root, ct);
        await client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } }, ct);

        var metricsPort = OperatorBench.FreePort();
        var environment = new Dictionary<string, string?>(OperatorBench.ImageEnvironment(Path.Combine(root, "src", "Operator", "Dockerfile"))) { ["KUBECONFIG"] = null };
        await using var op = ChildProcess.Start(operatorCpu, Path.Combine(dir, "operator.log"), environment,
            [.. operatorBinary, "run", "--kubeconfig", kubeconfig, "--metrics-address", $"127.0.0.1:{metricsPort}"]);
        using (var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}"), Timeout = TimeSpan.FromSeconds(30) })
        {
            await OperatorBench.WaitReadyAsync(op, metrics, ct);
        }

        Report.Note($"operator pid {op.Id} (log {op.LogPath}), emulator pid {emulator.Id} at {server}, pod logs in {Path.Combine(dir, "pods")}");
        var timeline = new RolloutTimeline(client, Ns);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = await timeline.StartAsync(stopWatching.Token);

        var created = Stopwatch.GetTimestamp();
        await client.CreateAsync(Model(replicas), ct);
        await RolloutTimeline.WaitAsync(() => timeline.FirstModelDeployment(created, m => m.Status?.Phase == ModelDeploymentPhase.Ready), "version 1 Ready", Within, ct);
        var firstPods = timeline.Pods("1");
        Report.Line($"version 1 ({replicas} pods) from create to Ready", Stopwatch.GetElapsedTime(created, Stopwatch.GetTimestamp()).TotalSeconds, "s");
        Report.Line("  pod created → Ready (slowest of them: sidecar start + model load)", firstPods.Max(p => Seconds(p.Seen, p.Ready)), "s");
        var service = await ServiceUrlAsync(http, ct);
        await using var traffic = new InferenceTraffic(service, Name, Body);
        await RolloutTimeline.WaitAsync(() => traffic.Succeeded.GetValueOrDefault("1") >= 20 ? true : (bool?)null, "traffic served by version 1", Within, ct);

        var healthy = new List<Healthy>();
        var regressions = new List<Regression>();
        var (stable, next) = (1, 2);
        for (var round = 1; round <= rounds; round++)
        {
            healthy.Add(await HealthyAsync(client, timeline, traffic, Text(next), Text(stable), ct));
            stable = next++;
            // The failed version stays failed: the next round's healthy version is a new number.
            regressions.Add(await RegressionAsync(client, http, timeline, traffic, Text(next++), Text(stable), ct));
        }

        Summary(healthy, regressions, traffic);
        await traffic.DisposeAsync();
        await stopWatching.CancelAsync();
        await watching;
        Report.Note($"loadavg at the end {Report.LoadAverage()}");
        await op.StopAsync(TimeSpan.FromSeconds(20));
        foreach (var line in File.ReadLines(op.LogPath).Where(l => l.Contains("\"level\":\"warn\"", StringComparison.Ordinal) || l.Contains("\"level\":\"error\"", StringComparison.Ordinal)).Take(5))
        {
            Report.Note("operator log: " + (line.Length > 300 ? line[..300] : line));
        }

        await emulator.StopAsync(TimeSpan.FromSeconds(20));
        Directory.Delete(dir, recursive: true);
    }

    private sealed record Healthy(string Version, double Promotion, double PodStart, double FirstCanaryReady, long Requests, long Failed, long ServedByNew);

    private sealed record Regression(string Version, double Detection, double FromFirstFailure, double Bound, long FailedBefore, long FailedDuring, long FailedAfter, long CanaryOk, double AnalysisSeconds);

    private static double Pauses => Steps.Sum(s => s.Pause.TotalSeconds);

    /// <summary>Spec change → status.stableVersion == version, with the pod starts on the way and every failed request.</summary>
    private static async Task<Healthy> HealthyAsync(KubeClient client, RolloutTimeline timeline, InferenceTraffic traffic, string version, string old, CancellationToken ct)
    {
        var (failed0, total0, new0) = (traffic.Failed, traffic.Total, traffic.Succeeded.GetValueOrDefault(version));
        var start = Stopwatch.GetTimestamp();
        await SetVersionAsync(client, version, ct);
        var promoted = await RolloutTimeline.WaitAsync(() => timeline.FirstModelDeployment(start, m => m.Status?.StableVersion == version), $"version {version} promoted", Within, ct);
        var oldGone = await RolloutTimeline.WaitAsync(() => timeline.Pods(old) is var pods && pods.All(p => p.Gone is not null) ? pods.Max(p => p.Gone) : null, $"version {old} pods gone", Within, ct);
        // A little steady traffic after the old pods went, so a late failure of the switch-over is counted too.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var pods = timeline.Pods(version);
        var result = new Healthy(version, Seconds(start, promoted), PodStartSeconds(pods, start, promoted), Seconds(start, pods.Min(p => p.Ready)),
            traffic.Total - total0, traffic.Failed - failed0, traffic.Succeeded.GetValueOrDefault(version) - new0);

        Report.Header($"rollout: healthy version {version} (from {old}), steady traffic");
        Report.Line("spec change → status.stableVersion == new", result.Promotion, "s");
        Report.Line("  sum of step pauses", Pauses, "s");
        Report.Line("  operator overhead (promotion − pauses)", result.Promotion - Pauses, "s");
        Report.Line("  of it: some new pod starting (union of created → Ready)", result.PodStart, "s");
        Report.Line("  overhead less pod starts", result.Promotion - Pauses - result.PodStart, "s");
        Report.Line("spec change → first canary pod Ready", result.FirstCanaryReady, "s");
        foreach (var (weight, _) in Steps)
        {
            Report.Line($"spec change → status.canary.weight {weight} seen", Seconds(start, timeline.FirstModelDeployment(start, m => m.Status?.Canary is { } c && c.Version == version && c.Weight == weight)), "s");
        }

        foreach (var pod in pods.OrderBy(p => p.Seen))
        {
            Report.Note($"pod {pod.Name}: seen +{Seconds(start, pod.Seen):0.000}s, Ready +{Seconds(start, pod.Ready):0.000}s");
        }

        Report.Line($"spec change → last version {old} pod terminating", Seconds(start, oldGone), "s");
        Report.Line("requests from spec change to 2 s after the old pods went", result.Requests, "requests");
        Report.Line($"  answered 2xx by version {version}", result.ServedByNew, "requests");
        Report.Line("  failed (any non-2xx or error; expected 0)", result.Failed, "requests");
        return result;
    }

    /// <summary>A version failing a fifth of its requests: first canary pod Ready → rollback, and the failures around it.</summary>
    private static async Task<Regression> RegressionAsync(KubeClient client, HttpClient http, RolloutTimeline timeline, InferenceTraffic traffic, string version, string stable, CancellationToken ct)
    {
        using (var response = await http.PostAsJsonAsync("/emulator/pod-env", new JsonObject
        {
            ["selector"] = $"app.kubernetes.io/version={version}",
            ["env"] = new JsonObject { ["MLOP_FAULT_ERROR_RATE"] = BadErrorRate.ToString(CultureInfo.InvariantCulture) },
        }, ct))
        {
            response.EnsureSuccessStatusCode();
        }

        var ok0 = traffic.Succeeded.GetValueOrDefault(version);
        var start = Stopwatch.GetTimestamp();
        await SetVersionAsync(client, version, ct);
        long? DegradedSeen() => timeline.FirstModelDeployment(start, m => m.Status?.Conditions?.Any(c => c.Type == Degraded && c.Status == True
            && c.Reason == ReasonAnalysisFailed && c.Message?.StartsWith($"canary {version} ", StringComparison.Ordinal) == true) == true);
        long? PodsGoing() => timeline.Pods(version).Min(p => p.Gone);
        var rolledBack = await RolloutTimeline.WaitAsync(() => Earliest(Earliest(DegradedSeen(), timeline.FirstScaledToZero(start, version)), PodsGoing()),
            $"version {version} rolled back", Within, ct);
        var gone = await RolloutTimeline.WaitAsync(() => timeline.Pods(version) is var pods && pods.Count > 0 && pods.All(p => p.Gone is not null) ? pods.Max(p => p.Gone) : null,
            $"version {version} pods gone", Within, ct);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var end = Stopwatch.GetTimestamp();
        var failures = traffic.FailedAt.Where(t => t >= start && t <= end).ToList();
        var pods = timeline.Pods(version);
        var firstReady = pods.Min(p => p.Ready);
        var md = await client.GetAsync<Md>(Name, Ns, ct);
        var degraded = md.Status?.Conditions?.FirstOrDefault(c => c.Type == Degraded);
        var bound = (Interval * FailureLimit + Interval).TotalSeconds;
        var result = new Regression(version, Seconds(firstReady, rolledBack), Seconds(failures.Count > 0 ? failures[0] : null, rolledBack), bound,
            failures.Count(t => t < rolledBack), failures.Count(t => t >= rolledBack && t <= gone), failures.Count(t => t > gone),
            traffic.Succeeded.GetValueOrDefault(version) - ok0, Seconds(start, rolledBack));

        Report.Header($"rollout: version {version} failing {BadErrorRate:P0} of its requests (stable {stable}), steady traffic");
        Report.Line("spec change → first canary pod Ready", Seconds(start, firstReady), "s");
        Report.Line("first canary pod Ready → rollback seen (Degraded, canary at 0 or its pods going)", result.Detection, "s");
        Report.Line("  bound: interval × failureLimit + one interval", bound, "s");
        Report.Line("  first failed request → rollback seen", result.FromFirstFailure, "s");
        Report.Line("  first canary pod Ready → Degraded=True AnalysisFailed seen", Seconds(firstReady, DegradedSeen()), "s");
        Report.Line("  first canary pod Ready → canary Deployment at 0 replicas seen", Seconds(firstReady, timeline.FirstScaledToZero(start, version)), "s");
        Report.Line("  first canary pod Ready → first canary pod terminating seen", Seconds(firstReady, PodsGoing()), "s");
        Report.Line("rollback seen → last canary pod terminating", Seconds(rolledBack, gone), "s");
        string? last = null;
        foreach (var (at, seen) in timeline.ModelDeployments(start))
        {
            // The analysis as the operator recorded it, on the same clock: which window was inconclusive or failed, and when.
            var analysis = seen.Status?.Canary is { LastAnalysis: { } text } c ? $"failures {c.AnalysisFailures}, {text}" : null;
            if (analysis is not null && analysis != last && at <= rolledBack)
            {
                Report.Note($"analysis {Seconds(firstReady, at):+0.000;-0.000}s from the first canary pod Ready: {analysis}");
            }

            last = analysis ?? last;
        }


        Report.Line($"requests answered 2xx by version {version}", result.CanaryOk, "requests");
        Report.Line("failed requests before the rollback", result.FailedBefore, "requests");
        Report.Line("  failed from the rollback until the canary pods went", result.FailedDuring, "requests");
        Report.Line("  failed in the 5 s after (expected 0)", result.FailedAfter, "requests");
        Report.Line("  canary error rate seen by the clients", (result.FailedBefore + result.FailedDuring) / (double)Math.Max(1, result.FailedBefore + result.FailedDuring + result.CanaryOk), "");
        Report.Note($"status: stableVersion {md.Status?.StableVersion}, phase {md.Status?.Phase}, Degraded {degraded?.Status} {degraded?.Reason}: {degraded?.Message}");
        return result;
    }

    private static void Summary(List<Healthy> healthy, List<Regression> regressions, InferenceTraffic traffic)
    {
        Report.Header("rollout: summary");
        Console.WriteLine("  version  promotion  pauses  overhead  overhead/pauses  pod starts  overhead-pods  failed");
        foreach (var h in healthy)
        {
            var overhead = h.Promotion - Pauses;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {h.Version,7}  {h.Promotion,8:0.00}s  {Pauses,5:0}s  {overhead,7:0.00}s  {overhead / Pauses,14:P0}  {h.PodStart,9:0.00}s  {overhead - h.PodStart,12:0.00}s  {h.Failed,6}"));
        }

        if (healthy.Count > 1)
        {
            var overheads = healthy.Select(h => h.Promotion - Pauses).ToList();
            Report.Line("median operator overhead", Median(overheads), $"s (min {overheads.Min():0.00}, max {overheads.Max():0.00})");
            Report.Line("  median overhead / pauses", Median(overheads) / Pauses * 100, "%");
            Report.Line("  median overhead less pod starts", Median(healthy.Select(h => h.Promotion - Pauses - h.PodStart).ToList()), "s");
        }

        Console.WriteLine("  version  detection  bound  detection/bound  from 1st failure  failed before / during / after rollback  canary 2xx");
        foreach (var r in regressions)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Version,7}  {r.Detection,8:0.00}s  {r.Bound,4:0}s  {r.Detection / r.Bound,15:0.00}x  {r.FromFirstFailure,15:0.00}s  {r.FailedBefore,14} / {r.FailedDuring,6} / {r.FailedAfter,5}  {r.CanaryOk,10}"));
        }

        if (regressions.Count > 1)
        {
            var detections = regressions.Select(r => r.Detection).ToList();
            Report.Line("median detection latency", Median(detections), $"s (min {detections.Min():0.00}, max {detections.Max():0.00})");
            Report.Line("  median detection / bound", Median(detections) / regressions[0].Bound, "x");
        }

        Report.Note($"traffic over the whole run: {traffic.Total} requests, " + string.Join(", ", traffic.Succeeded.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Value} 2xx from version {p.Key}")) + $", {traffic.Failed} failed" + (traffic.Failures.TryPeek(out var first) ? $" (first: {first})" : ""));
    }

    private static Md Model(int replicas) => new()
    {
        ApiVersion = "serving.mloperator.io/v1alpha1",
        Kind = "ModelDeployment",
        Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Ns },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSpec { Name = Name, Version = "1", Uri = UriOf("1") },
            Replicas = replicas,
            Rollout = new RolloutSpec
            {
                Strategy = RolloutSpec.Canary,
                Steps = [.. Steps.Select(s => new RolloutStep { Weight = s.Weight, Pause = $"{s.Pause.TotalSeconds:0}s" })],
                Analysis = new AnalysisSpec { Interval = $"{Interval.TotalSeconds:0}s", FailureLimit = FailureLimit, MinRequests = 10, MaxErrorRate = 0.01 },
            },
        },
    };

    private static string UriOf(string version) => $"pvc://model-store/v{version}/mlp.onnx";

    private static Task<Md> SetVersionAsync(KubeClient client, string version, CancellationToken ct) => client.PatchAsync<Md>(Name, Ns, new V1Patch(
        "{\"spec\":{\"model\":{\"version\":\"" + version + "\",\"uri\":\"" + UriOf(version) + "\"}}}", V1Patch.PatchType.MergePatch), ct: ct);

    /// <summary>The Service proxy the emulator opened for the ModelDeployment's Service.</summary>
    private static async Task<Uri> ServiceUrlAsync(HttpClient http, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Within)
        {
            using var response = await http.GetAsync($"/emulator/services/{Ns}/{Name}", ct);
            if (response.IsSuccessStatusCode)
            {
                return new Uri(JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["url"]!.GetValue<string>());
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"no Service proxy for {Ns}/{Name}");
    }

    /// <summary>Seconds during which at least one of <paramref name="pods"/> was between first seen and Ready, within [from, to].</summary>
    private static double PodStartSeconds(IReadOnlyList<RolloutTimeline.PodTimes> pods, long from, long to)
    {
        var intervals = pods.Select(p => (Start: Math.Max(from, p.Seen), End: Math.Min(to, p.Ready ?? to))).Where(i => i.End > i.Start).OrderBy(i => i.Start);
        long covered = 0, reach = from;
        foreach (var (s, e) in intervals)
        {
            var begin = Math.Max(s, reach);
            if (e > begin)
            {
                covered += e - begin;
                reach = e;
            }
        }

        return covered / (double)Stopwatch.Frequency;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Text(int version) => version.ToString(CultureInfo.InvariantCulture);

    private static long? Earliest(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static double Seconds(long? from, long? to) =>
        from is { } f && to is { } t ? Stopwatch.GetElapsedTime(f, t).TotalSeconds : double.NaN;
}
