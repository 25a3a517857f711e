using System.Globalization;
using System.Net.Http.Headers;
using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.Kube.Client;
using k8s.Models;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Bench;

/// <summary>
/// Server-side apply through our KubeClient (throttling off) vs a bare HttpClient sending the same PATCH
/// application/apply-patch+yaml requests: the ratio is what the client's own machinery costs (URL building,
/// retry pipeline, metrics, response deserialization) on top of the wire and the emulator.
/// </summary>
internal static class ClientApplyBench
{
    private const string Ns = "apply-bench";
    private const string Manager = "mloperator-bench";

    public static async Task RunAsync(int applies, int concurrency, int rounds, CancellationToken ct)
    {
        Report.Header($"client-apply: {applies:N0} server-side applies of ConfigMaps, concurrency {concurrency}, {rounds} alternating rounds each");
        await using var cluster = await BenchCluster.StartAsync(new EmulatorOptions(), ct);
        await cluster.CreateNamespaceAsync(Ns, ct);
        using var http = cluster.Emulator.CreateHttpClient(TimeSpan.FromSeconds(120));
        var client = cluster.NewClient();

        // Warm-up creates every object (and JITs both paths), so each measured round is an update of existing objects.
        await Concurrently.RunAsync(applies, concurrency, (i, c) => BareApplyAsync(http, Object(i, 0), c), ct);
        await Concurrently.RunAsync(Math.Min(applies, 200), concurrency, (i, c) => client.ApplyAsync(Object(i, 0), new ApplyOptions(Manager, Force: true), c), ct);

        var ours = new List<double>();
        var bare = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var r = round * 2;
            var elapsed = await Concurrently.RunAsync(applies, concurrency, (i, c) => client.ApplyAsync(Object(i, r), new ApplyOptions(Manager, Force: true), c), ct);
            ours.Add(applies / elapsed.TotalSeconds);
            elapsed = await Concurrently.RunAsync(applies, concurrency, (i, c) => BareApplyAsync(http, Object(i, r + 1), c), ct);
            bare.Add(applies / elapsed.TotalSeconds);
            Report.Line($"round {round}: KubeClient.ApplyAsync", ours[^1], "applies/s");
            Report.Line($"round {round}: bare HttpClient PATCH", bare[^1], "applies/s");
        }

        Report.Line("KubeClient (median of rounds)", Median(ours), "applies/s");
        Report.Line("bare HttpClient (median of rounds)", Median(bare), "applies/s");
        Report.Line("ratio KubeClient / bare", Median(ours) / Median(bare), "x");
        Report.Note("bare client serializes the same object with KubeJson and reads the body without deserializing it");
        client.Dispose();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Every round changes the data, so each apply really updates the object.</summary>
    private static V1ConfigMap Object(int i, int round) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"cm-{i:D5}",
            NamespaceProperty = Ns,
            Labels = new Dictionary<string, string> { ["app"] = "bench" },
        },
        Data = new Dictionary<string, string>
        {
            ["round"] = round.ToString(CultureInfo.InvariantCulture),
            ["config.json"] = $$"""{"index":{{i}},"payload":"{{new string('x', 128)}}"}""",
        },
    };

    private static async Task BareApplyAsync(HttpClient http, V1ConfigMap cm, CancellationToken ct)
    {
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(KubeJson.Serialize(KubeResource.Stamp(cm))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
        using var request = new HttpRequestMessage(HttpMethod.Patch,
            $"/api/v1/namespaces/{Ns}/configmaps/{cm.Metadata.Name}?fieldManager={Manager}&force=true") { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, ct);
        await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"apply of {cm.Metadata.Name} answered {(int)response.StatusCode}");
        }
    }
}
