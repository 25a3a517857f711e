using MlOperator.Operator.Runtime.Queue;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Runtime.Queue;

public class WorkQueueTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Duplicate_adds_collapse_into_one_item()
    {
        var queue = new WorkQueue<string>("dedupe", _time);
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", (await queue.GetAsync(CancellationToken.None)).Item);
        Assert.Equal("b", (await queue.GetAsync(CancellationToken.None)).Item);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_to_a_second_worker()
    {
        var queue = new WorkQueue<string>("exclusive", _time);
        queue.Add("a");
        var (first, _) = await queue.GetAsync(CancellationToken.None);

        queue.Add("a");
        var second = queue.GetAsync(CancellationToken.None).AsTask();
        await Task.Delay(20);

        Assert.Equal("a", first);
        Assert.False(second.IsCompleted);
        Assert.Equal(0, queue.Count);

        queue.Done("a");
        Assert.Equal("a", (await second).Item);
    }

    [Fact]
    public async Task A_key_re_added_while_processing_runs_again_after_Done_exactly_once()
    {
        var queue = new WorkQueue<string>("readd", _time);
        queue.Add("a");
        await queue.GetAsync(CancellationToken.None);
        queue.Add("a");
        queue.Add("a");

        queue.Done("a");

        Assert.Equal(1, queue.Count);
        var (again, _) = await queue.GetAsync(CancellationToken.None);
        queue.Done(again);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Many_workers_never_hold_the_same_key_at_once()
    {
        var queue = new WorkQueue<int>("stress", TimeProvider.System);
        var holding = new HashSet<int>();
        var processed = 0;
        var overlap = false;

        async Task Worker()
        {
            while (true)
            {
                var (key, shutdown) = await queue.GetAsync(CancellationToken.None);
                if (shutdown)
                {
                    return;
                }

                lock (holding)
                {
                    overlap |= !holding.Add(key);
                }

                await Task.Yield();
                lock (holding)
                {
                    holding.Remove(key);
                    processed++;
                }

                queue.Done(key);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToArray();
        for (var i = 0; i < 2000; i++)
        {
            queue.Add(i % 5);
        }

        await queue.ShutDownWithDrainAsync(CancellationToken.None);
        await Task.WhenAll(workers);

        Assert.False(overlap);
        Assert.InRange(processed, 5, 2000);
    }

    [Fact]
    public async Task ShutDown_hands_out_queued_items_then_reports_shutting_down_and_ignores_adds()
    {
        var queue = new WorkQueue<string>("shutdown", _time);
        queue.Add("a");
        queue.ShutDown();
        queue.Add("b");

        var first = await queue.GetAsync(CancellationToken.None);
        var second = await queue.GetAsync(CancellationToken.None);

        Assert.Equal(("a", false), first);
        Assert.True(second.ShuttingDown);
    }

    [Fact]
    public async Task ShutDown_wakes_a_waiting_worker()
    {
        var queue = new WorkQueue<string>("wake", _time);
        var waiting = queue.GetAsync(CancellationToken.None).AsTask();

        queue.ShutDown();

        Assert.True((await waiting).ShuttingDown);
    }

    [Fact]
    public async Task ShutDownWithDrain_waits_until_workers_call_Done()
    {
        var queue = new WorkQueue<string>("drain", _time);
        queue.Add("a");
        await queue.GetAsync(CancellationToken.None);

        var drain = queue.ShutDownWithDrainAsync(CancellationToken.None);
        await Task.Delay(20);
        Assert.False(drain.IsCompleted);

        queue.Done("a");
        await drain;
    }

    [Fact]
    public async Task GetAsync_honours_cancellation()
    {
        var queue = new WorkQueue<string>("cancel", _time);
        using var cts = new CancellationTokenSource();
        var waiting = queue.GetAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
