using System.Diagnostics.Metrics;

namespace MlOperator.Operator.Runtime.Queue;

/// <summary>client-go workqueue metrics, tagged with the queue's name.</summary>
internal sealed class WorkQueueMetrics(string name)
{
    private static readonly UpDownCounter<long> Depth =
        RuntimeMeter.Meter.CreateUpDownCounter<long>("workqueue_depth", description: "Current depth of the work queue.");

    private static readonly Counter<long> Adds =
        RuntimeMeter.Meter.CreateCounter<long>("workqueue_adds_total", description: "Adds handled by the work queue.");

    private static readonly Histogram<double> QueueDuration =
        RuntimeMeter.Meter.CreateHistogram<double>("workqueue_queue_duration_seconds", "s", "Time an item waits in the queue before it is processed.");

    private static readonly Histogram<double> WorkDuration =
        RuntimeMeter.Meter.CreateHistogram<double>("workqueue_work_duration_seconds", "s", "Time spent processing an item.");

    private static readonly Counter<long> Retries =
        RuntimeMeter.Meter.CreateCounter<long>("workqueue_retries_total", description: "Rate-limited retries handled by the work queue.");

    private readonly KeyValuePair<string, object?> _tag = new("name", name);

    public void Added() => Adds.Add(1, _tag);

    public void DepthChanged(int delta) => Depth.Add(delta, _tag);

    public void Waited(TimeSpan wait) => QueueDuration.Record(wait.TotalSeconds, _tag);

    public void Worked(TimeSpan work) => WorkDuration.Record(work.TotalSeconds, _tag);

    public void Retried() => Retries.Add(1, _tag);
}
