using System.Globalization;
using System.Text.RegularExpressions;
using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Tests.Http;

public sealed partial class MetricsTests
{
    private const string Good = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}";

    [Fact]
    public async Task Metrics_give_request_counts_by_code_latency_histogram_batch_sizes_gauges_and_model_info()
    {
        await using var sidecar = new SidecarFactory("mlp", new Dictionary<string, string> { ["MLOP_MODEL_VERSION"] = "5" });
        var client = await sidecar.ReadyClientAsync();
        for (var i = 0; i < 3; i++)
        {
            (await client.PostAsync("/v2/models/mlp/infer", SidecarFactory.Json(Good))).EnsureSuccessStatusCode();
        }

        await client.PostAsync("/v2/models/mlp/infer", SidecarFactory.Json("{"));
        await client.PostAsync("/v2/models/other/infer", SidecarFactory.Json(Good));

        var text = await SidecarFactory.MetricsAfterAsync(client, "mlp", 5);
        using var response = await client.GetAsync("/metrics");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());

        Assert.Equal(3, Value(text, "inference_requests_total", ("code", "200"), ("model", "mlp"), ("version", "5")));
        Assert.Equal(1, Value(text, "inference_requests_total", ("code", "400")));
        Assert.Equal(1, Value(text, "inference_requests_total", ("code", "404")));
        Assert.Equal(5, Value(text, "inference_request_duration_seconds_count", ("model", "mlp")));
        Assert.Equal(5, Value(text, "inference_request_duration_seconds_bucket", ("le", "+Inf")));
        Assert.Contains("inference_request_duration_seconds_bucket{", text);
        Assert.Matches(@"inference_request_duration_seconds_bucket\{[^}]*le=""0.001""", text);
        Assert.Equal(3, Value(text, "inference_batch_size_count"));
        Assert.Equal(0, Value(text, "inference_queue_depth"));
        Assert.Equal(0, Value(text, "inference_inflight_requests"));
        Assert.True(Value(text, "model_load_duration_seconds", ("model", "mlp")) > 0);
        Assert.Equal(1, Value(text, "model_info", ("model", "mlp"), ("version", "5"), ("sha256", ModelFile.Sha256(TestAssets.Model("mlp")))));
        Assert.True(Value(text, "process_cpu_seconds_total") > 0);
        Assert.True(Value(text, "process_resident_memory_bytes") > 0);
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    internal static double Value(string text, string name, params (string Key, string Value)[] labels)
    {
        var matches = text.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Where(m => labels.All(l => m.Groups["labels"].Value.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
            .ToArray();
        Assert.True(matches.Length == 1, $"expected one sample of {name} with {string.Join(",", labels)}, found {matches.Length} in:\n{text}");
        return double.Parse(matches[0].Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)")]
    private static partial Regex Sample();
}
