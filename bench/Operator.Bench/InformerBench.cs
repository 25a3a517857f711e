using System.Diagnostics;
using MlOperator.Kubernetes.Emulator;
using k8s.Models;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Runtime.Cache;
using Microsoft.Extensions.Logging.Abstractions;

namespace MlOperator.Operator.Bench;

/// <summary>An informer's initial list of many objects: time to HasSynced and the managed memory its cache holds.</summary>
internal static class InformerBench
{
    public static async Task RunAsync(int objects, CancellationToken ct)
    {
        Report.Header($"informer: sync of {objects:N0} ConfigMaps");
        await using var cluster = await BenchCluster.StartAsync(new EmulatorOptions(), ct);
        const string ns = "informer-bench";
        await cluster.CreateNamespaceAsync(ns, ct);

        // Realistic-ish ConfigMaps: labels, an annotation and a few hundred bytes of data each.
        var fill = await Concurrently.RunAsync(objects, 8, (i, c) => cluster.Client.CreateAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"cm-{i:D5}",
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string> { ["app"] = "bench", ["shard"] = (i % 16).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Annotations = new Dictionary<string, string> { ["bench.mloperator.io/note"] = "informer sync benchmark object" },
            },
            Data = new Dictionary<string, string> { ["config.json"] = $$"""{"index":{{i}},"payload":"{{new string('x', 256)}}"}""" },
        }, c), ct);
        Report.Line("emulator fill (create, concurrency 8)", objects / fill.TotalSeconds, "creates/s");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var client = cluster.NewClient();
        var before = Report.HeapMb(collect: true);
        var informer = new Informer<V1ConfigMap>(client, new InformerOptions { Namespace = ns }, TimeProvider.System, NullLogger.Instance);
        var watch = Stopwatch.StartNew();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(ct);
        var synced = watch.Elapsed;
        var cached = informer.ListKeys().Count;
        var after = Report.HeapMb(collect: true);

        Report.Line("start -> HasSynced", synced.TotalSeconds, "s");
        Report.Line("objects cached", cached, "objects");
        Report.Line("sync rate", cached / synced.TotalSeconds, "objects/s");
        Report.Line("managed heap held by the informer (GC.GetTotalMemory(true))", after - before, "MB");
        Report.Line("managed heap per 1,000 cached objects", (after - before) / cached * 1000, "MB");
        Report.Line("serialized size per object (for comparison)", System.Text.Encoding.UTF8.GetBytes(KubeJson.Serialize(informer.Get(ns, "cm-00000"))).Length, "bytes");
        Report.Line("process RSS (emulator shares the process)", Report.RssMb(), "MB");

        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }

        GC.KeepAlive(informer);
        client.Dispose();
    }
}
