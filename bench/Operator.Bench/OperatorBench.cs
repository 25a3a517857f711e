using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Kube.Client;
using k8s;
using k8s.Models;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Resources;
using MlOperator.Operator.Runtime;
using MlOperator.Operator.Runtime.Events;
using MlOperator.Operator.Runtime.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.Bench;

/// <summary>
/// Issue 5: many ModelDeployments created at once against the emulator (simulated controllers, pods Ready
/// quickly), the real ControllerManager + ModelDeployment controller talking to it over HTTP, in this process.
/// </summary>
internal static class OperatorBench
{
    private const string Ns = "md-bench";

    public static async Task RunAsync(int count, int workers, TimeSpan quiet, CancellationToken ct)
    {
        Report.Header($"operator: {count:N0} ModelDeployments, {workers} reconcile workers, operator in this process");
        using var meters = new RuntimeCounters();
        var emulatorOptions = new EmulatorOptions { SimulateControllers = true, PodReadyDelay = TimeSpan.FromMilliseconds(100) };
        await using var cluster = await BenchCluster.StartAsync(emulatorOptions, ct);
        await cluster.InstallCrdsAsync(ct);
        await cluster.CreateNamespaceAsync(Ns, ct);
        var template = Template();

        var heapBefore = Report.HeapMb(collect: true);
        var rssBefore = Report.RssMb();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var operatorClient = cluster.NewClient(new KubeClientOptions { Qps = 0 });
        var manager = new ControllerManager(operatorClient, new ManagerOptions { Namespace = Ns, LeaderElection = false, Workers = workers },
            NullLoggerFactory.Instance, TimeProvider.System);
        ModelDeploymentController.Register(manager, operatorClient, ModelDeploymentDefaults.Default, NullLoggerFactory.Instance, TimeProvider.System, workers);
        await manager.StartAsync(stop.Token);
        while (!manager.CachesSynced)
        {
            await Task.Delay(50, ct);
        }

        // The bench's own client reports to its own meter, so the listener counts only the operator's requests.
        using var benchMeter = new Meter("MlOperator.Bench");
        var creator = cluster.NewClient(BenchCluster.Unthrottled with { Meter = benchMeter });
        cluster.Emulator.Faults.ResetCounts();
        meters.Reset();

        // Readiness is tracked from the informer's events: List() deep-copies every object, and polling it would
        // burn the very CPU being measured.
        var mds = manager.GetInformer<Md>();
        var ready = new ConcurrentDictionary<string, bool>();
        void Track(Md md)
        {
            if (IsReady(md))
            {
                ready[md.Metadata.Name!] = true;
            }
            else
            {
                ready.TryRemove(md.Metadata.Name!, out _);
            }
        }

        using var tracking = mds.AddEventHandler(new(OnAdd: Track, OnUpdate: (_, md) => Track(md), OnDelete: md => ready.TryRemove(md.Metadata.Name!, out _)));
        var cpuBefore = Cpu();
        var watch = Stopwatch.StartNew();
        await Concurrently.RunAsync(count, 32, (i, c) => creator.CreateAsync(Named(template, i), c), ct);
        var created = watch.Elapsed;
        var deployments = manager.GetInformer<V1Deployment>();
        var services = manager.GetInformer<V1Service>();
        TimeSpan? childrenAt = null;
        var lastReport = TimeSpan.Zero;
        var readyCount = 0;
        while (watch.Elapsed < TimeSpan.FromMinutes(4))
        {
            // Read the operator's own caches: polling the API would add requests to the counts.
            readyCount = ready.Count;
            if (childrenAt is null && deployments.ListKeys().Count >= count && services.ListKeys().Count >= count)
            {
                childrenAt = watch.Elapsed;
            }

            if (readyCount == count && childrenAt is not null)
            {
                break;
            }

            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(15))
            {
                lastReport = watch.Elapsed;
                Report.Note($"t={watch.Elapsed.TotalSeconds:0}s ready {readyCount}/{count}, deployments {deployments.ListKeys().Count}, services {services.ListKeys().Count}, reconciles {meters.Reconciles}");
            }

            await Task.Delay(100, ct);
        }

        var converged = watch.Elapsed;
        var cpu = Cpu() - cpuBefore;
        var counts = cluster.Emulator.Faults.Counts;
        var benchRequests = counts.GetValueOrDefault("create modeldeployments");
        var serverRequests = counts.Values.Sum() - benchRequests;
        var reconciles = meters.Reconciles;
        var clientRequests = meters.ClientRequests;

        Report.Line("creates issued (concurrency 32) in", created.TotalSeconds, "s");
        Report.Line("ModelDeployments Ready=True", readyCount, $"of {count}");
        Report.Line("seconds until every MD has Deployment + Service", childrenAt?.TotalSeconds ?? double.NaN, "s");
        Report.Line("seconds until every MD is Ready=True (from first create)", converged.TotalSeconds, "s");
        Report.Line("operator throughput", readyCount / converged.TotalSeconds, "MDs Ready/s");
        Report.Line("operator child-apply rate until every child exists", 2.0 * count / (childrenAt ?? converged).TotalSeconds, "children/s");
        Report.Line("events dropped by the recorder (buffer full)", (manager.Events as EventRecorder)?.DroppedCount ?? double.NaN, "events");
        Report.Line("process CPU time until converged (operator + emulator + simulated controllers)", cpu.TotalSeconds, "cpu-s");
        Report.Line("  per ModelDeployment", cpu.TotalMilliseconds / count, "cpu-ms");
        Report.Line("reconciles (controller_reconcile_total)", reconciles, "reconciles");
        Report.Line("reconciles per ModelDeployment", reconciles / (double)count, "x");
        Report.Line("reconcile errors / requeues", meters.ReconcileErrors, "errors");
        Report.Line("API requests seen by the emulator (minus the bench's creates)", serverRequests, "requests");
        Report.Line("API requests sent by the operator's client (kube_client_requests_total)", clientRequests, "requests");
        Report.Line("API requests per reconcile (operator client)", clientRequests / (double)Math.Max(1, reconciles), "req/reconcile");
        Report.Line("API writes per reconcile (emulator, minus bench creates)", (cluster.Emulator.Faults.Writes() - benchRequests) / (double)Math.Max(1, reconciles), "writes/reconcile");
        Report.Line("mean reconcile duration", meters.MeanMs("controller_reconcile_duration_seconds"), "ms");
        Report.Line("mean time a request waited in the work queue", meters.MeanMs("workqueue_queue_duration_seconds"), "ms");
        Report.Line("mean operator API request latency", meters.MeanMs("kube_client_request_duration_seconds"), "ms");
        foreach (var (key, value) in counts.OrderByDescending(p => p.Value).Take(12))
        {
            Report.Note($"{key,-44} {value,8}");
        }

        var heapAfter = Report.HeapMb(collect: true);
        var rssAfter = Report.RssMb();
        Report.Line("managed heap before operator start (emulator only)", heapBefore, "MB");
        Report.Line("managed heap after convergence (operator + emulator)", heapAfter, "MB");
        Report.Line("  growth (operator caches + emulator store of ~5k objects)", heapAfter - heapBefore, "MB");
        Report.Line("process RSS before operator start", rssBefore, "MB");
        Report.Line("process RSS after convergence (emulator shares the process)", rssAfter, "MB");

        // Steady state: nothing changes, so a correct operator writes nothing.
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        cluster.Emulator.Faults.ResetCounts();
        meters.Reset();
        await Task.Delay(quiet, ct);
        var quietCounts = cluster.Emulator.Faults.Counts;
        var writes = cluster.Emulator.Faults.Writes();
        Report.Line($"API writes in {quiet.TotalSeconds:0} s of steady state", writes, "writes");
        Report.Line("API writes per minute in steady state (target 0)", writes / quiet.TotalMinutes, "writes/min");
        Report.Line("reconciles in steady state", meters.Reconciles, "reconciles");
        Report.Line("all API requests in steady state", quietCounts.Values.Sum(), "requests");
        foreach (var (key, value) in quietCounts.Where(p => p.Value > 0).OrderByDescending(p => p.Value).Take(10))
        {
            Report.Note($"steady: {key,-36} {value,8}");
        }

        // The request log is not reset with the counts: show its tail only when the quiet window saw writes.
        foreach (var line in cluster.Emulator.Faults.RequestLog.Where(l => !l.StartsWith("GET", StringComparison.Ordinal)).TakeLast((int)Math.Min(writes, 10)))
        {
            Report.Note("steady write: " + line);
        }

        // No-op reconciles: an annotation wakes the controller (AnnotationsChanged) but changes nothing it derives
        // children or status from, so every write it makes now is a write that should not happen.
        cluster.Emulator.Faults.ResetCounts();
        meters.Reset();
        var touchCpu = Cpu();
        await Concurrently.RunAsync(count, 16, (i, c) => creator.PatchAsync<Md>($"model-{i:D4}", Ns,
            new V1Patch("""{"metadata":{"annotations":{"bench.mloperator.io/touched":"true"}}}""", V1Patch.PatchType.MergePatch), ct: c), ct);
        var touchWatch = Stopwatch.StartNew();
        while (meters.Reconciles < count && touchWatch.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(200, ct);
        }

        var touchCpuUsed = Cpu() - touchCpu;
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var touchCounts = cluster.Emulator.Faults.Counts;
        var touchWrites = cluster.Emulator.Faults.Writes() - touchCounts.GetValueOrDefault("patch modeldeployments");
        Report.Line("no-op reconciles after annotating every MD", meters.Reconciles, "reconciles");
        Report.Line("  operator API writes during them (target 0)", touchWrites, "writes");
        Report.Line("  operator API requests per no-op reconcile", meters.ClientRequests / (double)Math.Max(1, meters.Reconciles), "req/reconcile");
        Report.Line("  process CPU per annotate + no-op reconcile (bench patch, watch, reconcile)", touchCpuUsed.TotalMilliseconds / count, "cpu-ms");
        Report.Line("  mean no-op reconcile duration", meters.MeanMs("controller_reconcile_duration_seconds"), "ms");
        foreach (var (key, value) in touchCounts.Where(p => p.Key != "patch modeldeployments" && p.Value > 0).OrderByDescending(p => p.Value).Take(8))
        {
            Report.Note($"no-op: {key,-37} {value,8}");
        }

        // What the children alone cost the emulator, to put the operator's throughput in proportion.
        var statuses = mds.List(Ns).Where(m => m.Status is not null)
            .ToDictionary(m => m.Metadata.Name!, m => System.Text.Encoding.UTF8.GetBytes(KubeJson.Serialize(new Dictionary<string, object> { ["status"] = m.Status! })));
        await stop.CancelAsync();
        await manager.StopAsync(CancellationToken.None);
        manager.Dispose();
        operatorClient.Dispose();
        creator.Dispose();
        var raw = await RawApplyAsync(emulatorOptions, template, count, statuses, ct);
        Report.Line("raw SSA of the same children (bare HttpClient, concurrency 8)", raw.ObjectsPerSecond, "applies/s");
        Report.Line("  children per ModelDeployment", raw.ObjectsPerMd, "objects");
        Report.Line("  = raw ceiling", raw.ObjectsPerSecond / raw.ObjectsPerMd, "MDs/s");
        Report.Line("ratio operator throughput / raw ceiling (target >= 0.5)", readyCount / converged.TotalSeconds / (raw.ObjectsPerSecond / raw.ObjectsPerMd), "x");
        Report.Line("ratio operator child-apply rate / raw apply rate", 2.0 * count / (childrenAt ?? converged).TotalSeconds / raw.ObjectsPerSecond, "x");
        Report.Note("the operator's end-to-end path per MD is ~2 reconciles, 2 applies, ~2 status patches, ~2 events and a wait for pods; raw is the 2 applies alone");
    }

    private static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static bool IsReady(Md md) =>
        md.Status?.ObservedGeneration == md.Metadata.Generation
        && md.Status?.Conditions?.Any(c => c.Type == ModelDeploymentConditions.Ready && c.Status == "True") == true;

    /// <summary>The shipped CPU sample with one replica, so 1,000 of them make 1,000 pods.</summary>
    private static Md Template()
    {
        var md = KubeYaml.Deserialize<Md>(File.ReadAllText(Path.Combine(BenchCluster.RepoRoot(), "config", "samples", "cpu-model.yaml")));
        md.Spec.Replicas = 1;
        return md;
    }

    private static Md Named(Md template, int i)
    {
        var md = KubeJson.DeepCopy(template);
        md.Metadata.Name = $"model-{i:D4}";
        md.Metadata.NamespaceProperty = Ns;
        return md;
    }

    private sealed record RawResult(double ObjectsPerSecond, double ObjectsPerMd);

    /// <summary>
    /// A fresh emulator gets the same ModelDeployments (so ownerReferences point at live owners) and then the
    /// Deployments + Services the builder produces for them, applied with a bare HttpClient.
    /// </summary>
    private static async Task<RawResult> RawApplyAsync(EmulatorOptions options, Md template, int count, Dictionary<string, byte[]> statuses, CancellationToken ct)
    {
        await using var cluster = await BenchCluster.StartAsync(options, ct);
        await cluster.InstallCrdsAsync(ct);
        await cluster.CreateNamespaceAsync(Ns, ct);
        var mds = new ConcurrentBag<Md>();
        var createCpu = Cpu();
        await Concurrently.RunAsync(count, 32, async (i, c) => mds.Add(await cluster.Client.CreateAsync(Named(template, i), c)), ct);
        Report.Line("breakdown: process CPU per ModelDeployment create (client + emulator)", (Cpu() - createCpu).TotalMilliseconds / count, "cpu-ms");
        var children = mds.SelectMany(md =>
        {
            var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);
            return desired.Deployments.Cast<IKubernetesObject<V1ObjectMeta>>().Append(desired.Service);
        }).Select(o => (Path: PathOf(o), Body: System.Text.Encoding.UTF8.GetBytes(KubeJson.Serialize(KubeResource.Stamp(o))))).ToList();

        using var http = cluster.Emulator.CreateHttpClient(TimeSpan.FromSeconds(120));
        var cpuBefore = Cpu();
        var elapsed = await Concurrently.RunAsync(children.Count, 8, async (i, c) =>
        {
            using var content = new ByteArrayContent(children[i].Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
            using var request = new HttpRequestMessage(HttpMethod.Patch, children[i].Path + "?fieldManager=mloperator&force=true") { Content = content };
            using var response = await http.SendAsync(request, c);
            await response.Content.ReadAsByteArrayAsync(c);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"raw apply {children[i].Path} answered {(int)response.StatusCode}");
            }
        }, ct);
        var cpu = Cpu() - cpuBefore;
        Report.Line("raw SSA process CPU time per child applied (emulator + simulated controllers)", cpu.TotalMilliseconds / children.Count, "cpu-ms");

        // The simulated controllers keep working after the applies return (ReplicaSets/pods, readiness, status).
        var settleCpu = Cpu();
        await Task.Delay(TimeSpan.FromSeconds(15), ct);
        Report.Line("breakdown: simulated-controller CPU in the 15 s after the applies, per MD", (Cpu() - settleCpu).TotalMilliseconds / count, "cpu-ms");

        // The operator's Ready status, written as it writes it (merge patch of the status subresource).
        var names = statuses.Keys.Order().ToList();
        var statusCpu = Cpu();
        var statusElapsed = await Concurrently.RunAsync(names.Count, 8, async (i, c) =>
        {
            using var content = new ByteArrayContent(statuses[names[i]]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
            using var request = new HttpRequestMessage(HttpMethod.Patch,
                $"/apis/{Md.Group}/{Md.Version}/namespaces/{Ns}/modeldeployments/{names[i]}/status") { Content = content };
            using var response = await http.SendAsync(request, c);
            await response.Content.ReadAsByteArrayAsync(c);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"raw status patch of {names[i]} answered {(int)response.StatusCode}");
            }
        }, ct);
        Report.Line("raw status merge patch rate (bare HttpClient, concurrency 8)", names.Count / statusElapsed.TotalSeconds, "patches/s");
        Report.Line("breakdown: process CPU per raw status patch", (Cpu() - statusCpu).TotalMilliseconds / Math.Max(1, names.Count), "cpu-ms");
        return new RawResult(children.Count / elapsed.TotalSeconds, children.Count / (double)count);
    }

    private static string PathOf(IKubernetesObject<V1ObjectMeta> o)
    {
        var resource = KubeResource.For(o.GetType());
        var prefix = resource.Group.Length == 0 ? "/api/v1" : $"/apis/{resource.Group}/{resource.Version}";
        return $"{prefix}/namespaces/{o.Metadata.NamespaceProperty}/{resource.Plural}/{o.Metadata.Name}";
    }

    /// <summary>Listens to the operator's meter: reconciles and the operator client's requests.</summary>
    private sealed class RuntimeCounters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _reconciles;
        private long _errors;
        private long _requests;
        private readonly ConcurrentDictionary<string, (double Sum, long Count)> _sums = new();

        /// <summary>Mean of a histogram since the last reset, in milliseconds.</summary>
        public double MeanMs(string histogram) =>
            _sums.TryGetValue(histogram, out var s) && s.Count > 0 ? s.Sum / s.Count * 1000 : double.NaN;

        public RuntimeCounters()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RuntimeMeter.Name
                    && instrument.Name is "controller_reconcile_total" or "controller_reconcile_errors_total" or "kube_client_requests_total"
                        or "controller_reconcile_duration_seconds" or "workqueue_queue_duration_seconds" or "kube_client_request_duration_seconds")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                switch (instrument.Name)
                {
                    case "controller_reconcile_total":
                        Interlocked.Add(ref _reconciles, value);
                        break;
                    case "controller_reconcile_errors_total":
                        Interlocked.Add(ref _errors, value);
                        break;
                    default:
                        Interlocked.Add(ref _requests, value);
                        break;
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
                _sums.AddOrUpdate(instrument.Name, (value, 1), (_, old) => (old.Sum + value, old.Count + 1)));
            _listener.Start();
        }

        public long Reconciles => Interlocked.Read(ref _reconciles);

        public long ReconcileErrors => Interlocked.Read(ref _errors);

        public long ClientRequests => Interlocked.Read(ref _requests);

        public void Reset()
        {
            Interlocked.Exchange(ref _reconciles, 0);
            Interlocked.Exchange(ref _errors, 0);
            Interlocked.Exchange(ref _requests, 0);
            _sums.Clear();
        }

        public void Dispose() => _listener.Dispose();
    }
}
