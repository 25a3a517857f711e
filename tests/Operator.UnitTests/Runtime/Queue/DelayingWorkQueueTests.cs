using MlOperator.Operator.Runtime.Queue;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Runtime.Queue;

public class DelayingWorkQueueTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AddAfter_enqueues_only_when_fake_time_reaches_the_delay()
    {
        var queue = new DelayingWorkQueue<string>("delay", _time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Equal(0, queue.Count);
        Assert.Equal(1, queue.WaitingCount);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.WaitingCount);
    }

    [Fact]
    public void A_waiting_item_keeps_the_earlier_ready_time()
    {
        var queue = new DelayingWorkQueue<string>("earliest", _time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("a", TimeSpan.FromSeconds(5));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.WaitingCount);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public void AddAfter_with_no_delay_adds_at_once()
    {
        var queue = new DelayingWorkQueue<string>("now", _time);
        queue.AddAfter("a", TimeSpan.Zero);
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void ShutDown_cancels_waiting_items()
    {
        var queue = new DelayingWorkQueue<string>("stop", _time);
        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        queue.ShutDown();

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, queue.Count);
        Assert.Equal(0, _time.PendingTimers);
    }
}
