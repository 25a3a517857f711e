using System.Diagnostics.Metrics;

namespace MlOperator.Inference.Sidecar.Metrics;

/// <summary>
/// The sidecar's series on the <c>MlOperator.Inference</c> meter, named as Prometheus will show them. Canary
/// analysis computes the error rate as
/// <c>sum(rate(inference_requests_total{code=~"5.."}[1m])) / sum(rate(inference_requests_total[1m]))</c> and p99 as
/// <c>histogram_quantile(0.99, sum by (le) (rate(inference_request_duration_seconds_bucket[1m])))</c>.
/// </summary>
public sealed class SidecarMetrics
{
    public const string MeterName = "MlOperator.Inference";

    /// <summary>
    /// About 20% apart from 0.1 ms to 10 s, so interpolating p99 between two bounds is off by at most one step;
    /// Prometheus' default buckets would put everything under 5 ms into one bucket.
    /// </summary>
    public static readonly double[] DurationBuckets =
    [
        0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.00125, 0.0015, 0.002, 0.0025, 0.003, 0.004, 0.005, 0.006, 0.008,
        0.01, 0.0125, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5,
        0.6, 0.8, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10,
    ];

    public static readonly double[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly Counter<long> requests;
    private readonly Histogram<double> duration;
    private readonly Histogram<double> batchSize;
    private long queueDepth;
    private long inflight;
    private long awaitingInference;
    private double loadSeconds = double.NaN;
    private (string Model, string Version, string Sha256)? info;

    public SidecarMetrics(IMeterFactory meterFactory)
    {
        // From the host's factory, so two sidecars in one process (tests) keep separate series.
        Meter = meterFactory.Create(MeterName);
        requests = Meter.CreateCounter<long>("inference_requests_total", null,
            "Inference requests by model, version and HTTP status code.");
        duration = Meter.CreateHistogram("inference_request_duration_seconds", "s",
            "Time from receiving an inference request to the end of its response.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        batchSize = Meter.CreateHistogram("inference_batch_size", null,
            "Requests merged into one ONNX Runtime run.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BatchSizeBuckets });
        Meter.CreateObservableGauge("inference_queue_depth", () => Volatile.Read(ref queueDepth), null,
            "Requests waiting for an in-flight slot or for a batch.");
        Meter.CreateObservableGauge("inference_inflight_requests", () => Volatile.Read(ref inflight), null,
            "Inference requests being processed.");
        Meter.CreateObservableGauge("model_load_duration_seconds", LoadDuration, "s",
            "Seconds spent hashing, loading and warming up the model.");
        Meter.CreateObservableGauge("model_info", Info, null,
            "Always 1; labels name the served model, its version and file SHA-256.");
        MlOperator.Metrics.ProcessMetrics.Register(Meter);

    }

    public Meter Meter { get; }

    public long QueueDepth => Volatile.Read(ref queueDepth);

    public long Inflight => Volatile.Read(ref inflight);

    /// <summary>
    /// Admitted requests whose inference has not finished yet (not exported): the batcher's "could anyone still
    /// join?" signal. <see cref="Inflight"/> also counts requests still writing their response, which would make a
    /// lone client's next request wait out the batch delay for a neighbour that cannot come.
    /// </summary>
    public long AwaitingInference => Volatile.Read(ref awaitingInference);

    public void RequestCompleted(string model, string version, int statusCode, double seconds)
    {
        var modelTag = new KeyValuePair<string, object?>("model", model);
        var versionTag = new KeyValuePair<string, object?>("version", version);
        requests.Add(1, modelTag, versionTag, new KeyValuePair<string, object?>("code", StatusText(statusCode)));
        duration.Record(seconds, modelTag, versionTag);
    }

    public void BatchRun(int requestsInBatch) => batchSize.Record(requestsInBatch);

    public void QueueChanged(int delta) => Interlocked.Add(ref queueDepth, delta);

    public void InflightChanged(int delta) => Interlocked.Add(ref inflight, delta);

    public void AwaitingInferenceChanged(int delta) => Interlocked.Add(ref awaitingInference, delta);

    public void ModelLoaded(string model, string version, string sha256, TimeSpan took)
    {
        info = (model, version, sha256);
        loadSeconds = took.TotalSeconds;
    }

    private IEnumerable<Measurement<double>> LoadDuration() =>
        info is { } i && !double.IsNaN(loadSeconds)
            ? [new Measurement<double>(loadSeconds, new("model", i.Model), new("version", i.Version))]
            : [];

    private IEnumerable<Measurement<long>> Info() =>
        info is { } i ? [new Measurement<long>(1, new("model", i.Model), new("version", i.Version), new("sha256", i.Sha256))] : [];

    private static string StatusText(int code) => code switch
    {
        200 => "200",
        400 => "400",
        404 => "404",
        413 => "413",
        500 => "500",
        503 => "503",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
