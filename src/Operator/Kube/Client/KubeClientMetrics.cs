using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace MlOperator.Operator.Kube.Client;

/// <summary>Request count and latency per verb/resource, named as the operator's /metrics page shows them.</summary>
internal sealed class KubeClientMetrics
{
    public const string MeterName = "MlOperator.Operator";

    private static readonly Meter SharedMeter = new(MeterName);
    private static readonly string[] Codes = Enumerable.Range(0, 600).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public KubeClientMetrics(Meter? meter)
    {
        meter ??= SharedMeter;
        _requests = meter.CreateCounter<long>("kube_client_requests_total", description: "Kubernetes API requests by verb, resource and HTTP code");
        _duration = meter.CreateHistogram("kube_client_request_duration_seconds", unit: "s",
            description: "Kubernetes API request latency until the response headers (watch) or body (others)",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60] });
    }

    /// <summary>"error" stands for no HTTP answer (connection failure, timeout).</summary>
    public static string Code(int? status) => status is >= 0 and < 600 ? Codes[status.Value] : "error";

    public void Record(string verb, string resource, string code, TimeSpan elapsed)
    {
        var tags = new TagList { { "verb", verb }, { "resource", resource } };
        _duration.Record(elapsed.TotalSeconds, tags);
        tags.Add("code", code);
        _requests.Add(1, tags);
    }
}
