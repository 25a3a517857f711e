using System.Diagnostics.Metrics;
using MlOperator.Operator.Runtime;
using MlOperator.Operator.Runtime.Queue;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Runtime.Queue;

public class RateLimitingWorkQueueTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AddRateLimited_backs_off_exponentially_until_Forget()
    {
        var queue = new RateLimitingWorkQueue<string>("retry", _time);

        queue.AddRateLimited("a");
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.Count);

        queue.AddRateLimited("b");
        queue.AddRateLimited("b");
        Assert.Equal(2, queue.NumRequeues("b"));

        queue.Forget("b");
        Assert.Equal(0, queue.NumRequeues("b"));
    }

    [Fact]
    public async Task Records_adds_depth_and_retries_tagged_with_the_queue_name()
    {
        var name = "metrics-" + Guid.NewGuid().ToString("n");
        var totals = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMeter.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "name" && (string?)tag.Value == name)
                {
                    lock (totals)
                    {
                        totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
                    }
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, 1, t));
        listener.Start();

        var queue = new RateLimitingWorkQueue<string>(name, _time);
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        var (item, _) = await queue.GetAsync(CancellationToken.None);
        queue.Done(item);
        queue.AddRateLimited("c");

        Assert.Equal(2, totals["workqueue_adds_total"]);
        Assert.Equal(1, totals["workqueue_depth"]);
        Assert.Equal(1, totals["workqueue_retries_total"]);
        Assert.Equal(1, totals["workqueue_queue_duration_seconds"]);
        Assert.Equal(1, totals["workqueue_work_duration_seconds"]);
    }
}
