using System.Diagnostics.Metrics;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Inference.Batching;
using MlOperator.Inference.Sidecar.Inference.Onnx;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Tests.Batching;

public sealed class DynamicBatcherTests : IDisposable
{
    private readonly TestMeterFactory meters = new();
    private readonly List<double> batchSizes = [];
    private readonly MeterListener listener = new();
    private readonly FakeTimeProvider time = new();
    private readonly SidecarMetrics metrics;

    public DynamicBatcherTests()
    {
        metrics = new SidecarMetrics(meters);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "inference_batch_size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (batchSizes)
            {
                batchSizes.Add(value);
            }
        });
        listener.Start();
    }

    [Fact]
    public async Task A_full_batch_runs_as_one_and_each_request_gets_exactly_its_unbatched_result()
    {
        using var session = TestAssets.Session("cnn");
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 8, TimeSpan.FromMilliseconds(5), time, metrics);
        var requests = Enumerable.Range(0, 8).Select(i => RandomImage(i, rows: 1)).ToArray();

        // Time never advances, so the batch can only close by filling up.
        var results = await Task.WhenAll(requests.Select(r => batcher.RunAsync([r], [0], CancellationToken.None).AsTask()));

        Assert.Equal([8.0], batchSizes);
        AssertEachAsRunAlone(session, requests, results);
    }

    [Fact]
    public async Task A_partial_batch_waits_for_the_delay_then_runs()
    {
        using var session = TestAssets.Session("mlp");
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 16, TimeSpan.FromMilliseconds(5), time, metrics);
        var inputs = Enumerable.Range(0, 3).Select(i => RandomRows(i, rows: i + 1)).ToArray();
        var pending = inputs.Select(x => batcher.RunAsync([x], [0, 1], CancellationToken.None).AsTask()).ToArray();

        await Task.Delay(50); // give the batcher every chance to (wrongly) run before its delay has passed
        Assert.All(pending, p => Assert.False(p.IsCompleted));
        Assert.Equal(3, metrics.QueueDepth);

        var all = Task.WhenAll(pending);
        while (!all.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(5)); // repeated in case a slow machine split the three
            await Task.WhenAny(all, Task.Delay(10));
        }

        var results = await all;
        Assert.Equal(3.0, batchSizes.Sum());
        Assert.Equal(0, metrics.QueueDepth);
        for (var i = 0; i < inputs.Length; i++)
        {
            var alone = session.Run([inputs[i]], [0, 1]);
            Assert.Equal([i + 1L, 4L], results[i][0].Shape);
            TestAssets.AssertSameTensor(alone[0], results[i][0], "logits");
            TestAssets.AssertSameTensor(alone[1], results[i][1], "probabilities");
        }
    }

    [Fact]
    public async Task A_lone_request_does_not_wait_when_no_other_request_is_in_flight()
    {
        using var session = TestAssets.Session("mlp");
        long inFlight = 1;
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 16, TimeSpan.FromHours(1), time, metrics, () => inFlight);
        var input = RandomRows(3, 2);
        var result = await batcher.RunAsync([input], [0], CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        TestAssets.AssertSameTensor(session.Run([input], [0])[0], result[0], "logits");
        Assert.Equal([1.0], batchSizes);
    }

    [Fact]
    public async Task Requests_asking_for_different_outputs_are_not_merged_but_both_answered()
    {
        using var session = TestAssets.Session("mlp");
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 2, TimeSpan.FromMilliseconds(5), time, metrics);
        var a = RandomRows(1, 1);
        var b = RandomRows(2, 1);
        var first = batcher.RunAsync([a], [0], CancellationToken.None).AsTask();
        var second = batcher.RunAsync([b], [1], CancellationToken.None).AsTask();
        while (!(first.IsCompleted && second.IsCompleted))
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            await Task.WhenAny(Task.WhenAll(first, second), Task.Delay(10));
        }

        Assert.All(batchSizes, size => Assert.Equal(1.0, size));
        TestAssets.AssertSameTensor(session.Run([a], [0])[0], (await first)[0], "logits");
        TestAssets.AssertSameTensor(session.Run([b], [1])[0], (await second)[0], "probabilities");
    }

    [Fact]
    public async Task Batching_off_or_a_request_as_large_as_a_batch_runs_at_once()
    {
        using var session = TestAssets.Session("mlp");
        await using (var off = new DynamicBatcher(session, maxBatchRows: 1, TimeSpan.FromMilliseconds(5), time, metrics))
        {
            Assert.False(off.Enabled);
            Assert.True(off.RunAsync([RandomRows(1, 1)], [0], CancellationToken.None).IsCompletedSuccessfully);
        }

        await using var on = new DynamicBatcher(session, maxBatchRows: 4, TimeSpan.FromMilliseconds(5), time, metrics);
        Assert.True(on.Enabled);
        Assert.True(on.RunAsync([RandomRows(1, 4)], [0], CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_request_that_fails_in_a_merged_run_fails_alone_and_its_neighbours_get_their_answers()
    {
        // int_mod divides by its second input: a zero divisor makes ONNX Runtime fail the whole merged run.
        using var session = TestAssets.Session("int_mod");
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 2, TimeSpan.FromMilliseconds(5), time, metrics);
        Tensor[] good = [Tensor.From([7L], 1), Tensor.From([3L], 1)];
        Tensor[] bad = [Tensor.From([7L], 1), Tensor.From([0L], 1)];

        var first = batcher.RunAsync(good, [0], CancellationToken.None).AsTask();
        var second = batcher.RunAsync(bad, [0], CancellationToken.None).AsTask();

        var remainder = (await first)[0];
        Assert.Equal([1L], remainder.ToArray<long>());
        await Assert.ThrowsAsync<OnnxRuntimeException>(() => second);
        Assert.Equal([2.0], batchSizes); // they were merged (time never advances: the batch closed by filling up)
        Assert.Equal(0, metrics.QueueDepth);
    }

    [Fact]
    public async Task The_request_that_fills_a_batch_runs_it_on_its_own_thread_and_answers_at_once()
    {
        using var session = TestAssets.Session("mlp");
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 3, TimeSpan.FromHours(1), time, metrics);
        var waiting = batcher.RunAsync([RandomRows(1, 2)], [0], CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        var filling = batcher.RunAsync([RandomRows(2, 1)], [0], CancellationToken.None);

        // No hand-off: the merged run happened inside the second call, which returns its answer completed.
        Assert.True(filling.IsCompletedSuccessfully);
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal([2.0], batchSizes); // two requests, three rows, one run
        TestAssets.AssertSameTensor(session.Run([RandomRows(2, 1)], [0])[0], (await filling)[0], "filling");
        TestAssets.AssertSameTensor(session.Run([RandomRows(1, 2)], [0])[0], (await waiting)[0], "waiting");
    }

    [Fact]
    public async Task The_last_request_in_flight_closes_the_batch_without_waiting_for_the_delay()
    {
        using var session = TestAssets.Session("mlp");
        long inFlight = 2;
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 16, TimeSpan.FromHours(1), time, metrics, () => inFlight);
        var first = batcher.RunAsync([RandomRows(1, 1)], [0], CancellationToken.None);
        Assert.False(first.IsCompleted); // one more admitted request could still join

        var second = batcher.RunAsync([RandomRows(2, 1)], [0], CancellationToken.None);

        Assert.True(second.IsCompletedSuccessfully);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal([2.0], batchSizes);
        await Task.WhenAll(first.AsTask(), second.AsTask());
    }

    [Fact]
    public async Task While_other_work_is_queued_the_last_request_in_flight_leaves_the_batch_open_and_the_requests_that_work_brings_join_one_run()
    {
        using var session = TestAssets.Session("mlp");
        long inFlight = 0;
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 16, TimeSpan.FromHours(1), time, metrics, () => inFlight,
            otherWorkPending: () => true);
        var closers = new List<Action>();
        batcher.CloserScheduler = closers.Add;
        var inputs = Enumerable.Range(0, 3).Select(i => RandomRows(i, rows: 1)).ToArray();

        var pending = new List<Task<Tensor[]>>();
        foreach (var input in inputs)
        {
            inFlight++; // admitted: the queued work, parsed one request after another
            pending.Add(batcher.RunAsync([input], [0], CancellationToken.None).AsTask());
        }

        Assert.All(pending, p => Assert.False(p.IsCompleted));
        var closer = Assert.Single(closers); // one close queued, however many joined
        closer();

        var results = await Task.WhenAll(pending);
        Assert.Equal([3.0], batchSizes);
        AssertEachAsRunAlone(session, inputs, results);
    }

    [Fact]
    public async Task A_deferred_close_still_runs_the_batch_when_the_delay_is_up_first()
    {
        using var session = TestAssets.Session("mlp");
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 16, TimeSpan.FromMilliseconds(5), time, metrics, () => 1,
            otherWorkPending: () => true);
        var closers = new List<Action>();
        batcher.CloserScheduler = closers.Add; // the pool never gets to it
        var input = RandomRows(7, 1);

        var pending = batcher.RunAsync([input], [0], CancellationToken.None).AsTask();
        Assert.False(pending.IsCompleted);
        for (var i = 0; i < 100 && !pending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            await Task.WhenAny(pending, Task.Delay(10));
        }

        Assert.True(pending.IsCompleted, "the delay passed 100 times over and the request still waits");
        TestAssets.AssertSameTensor(session.Run([input], [0])[0], (await pending)[0], "logits");
        Assert.Equal([1.0], batchSizes);
        closers.ForEach(close => close()); // late: finds nothing left to run
        Assert.Equal([1.0], batchSizes);
    }

    [Fact]
    public async Task With_no_other_work_queued_the_last_request_in_flight_runs_at_once_and_a_full_batch_never_waits()
    {
        using var session = TestAssets.Session("mlp");
        var workPending = false;
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 2, TimeSpan.FromHours(1), time, metrics, () => 1,
            otherWorkPending: () => workPending);
        batcher.CloserScheduler = _ => Assert.Fail("no close may be deferred here");

        Assert.True(batcher.RunAsync([RandomRows(1, 1)], [0], CancellationToken.None).IsCompletedSuccessfully);

        workPending = true;
        Assert.True(batcher.RunAsync([RandomRows(2, 2)], [0], CancellationToken.None).IsCompletedSuccessfully); // a batch's worth of rows
        Assert.Equal([1.0, 1.0], batchSizes);
    }

    [Fact]
    public async Task Disposing_runs_the_requests_still_waiting()
    {
        using var session = TestAssets.Session("mlp");
        var batcher = new DynamicBatcher(session, maxBatchRows: 16, TimeSpan.FromHours(1), time, metrics);
        var input = RandomRows(4, 2);
        var pending = batcher.RunAsync([input], [0], CancellationToken.None).AsTask();
        Assert.False(pending.IsCompleted);

        await batcher.DisposeAsync();

        TestAssets.AssertSameTensor(session.Run([input], [0])[0], (await pending)[0], "logits");
        Assert.Equal(0, metrics.QueueDepth);
        await Assert.ThrowsAsync<InferenceException>(() => batcher.RunAsync([RandomRows(5, 1)], [0], CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Concurrent_requests_under_real_time_always_get_their_own_exact_answers(int concurrentRuns)
    {
        using var session = TestAssets.Session("cnn");
        await using var batcher = new DynamicBatcher(session, maxBatchRows: 32, TimeSpan.FromMilliseconds(1), TimeProvider.System, metrics,
            maxConcurrentRuns: concurrentRuns);
        var inputs = Enumerable.Range(0, 200).Select(i => RandomImage(i, rows: 1 + (i % 3))).ToArray();
        var results = await Task.WhenAll(inputs.Select(x => Task.Run(() => batcher.RunAsync([x], [0], CancellationToken.None).AsTask())));
        AssertEachAsRunAlone(session, inputs, results);

        Assert.Equal(200.0, batchSizes.Sum());
    }

    /// <summary>Each request's first output from the batcher equals what the session gives for that request alone.</summary>
    private static void AssertEachAsRunAlone(OnnxSession session, Tensor[] inputs, Tensor[][] results)
    {
        for (var i = 0; i < inputs.Length; i++)
        {
            TestAssets.AssertSameTensor(session.Run([inputs[i]], [0])[0], results[i][0], $"request {i}");
        }
    }

    /// <summary>Dyadic values, so float sums are exact and batched equals unbatched bit for bit.</summary>
    internal static Tensor RandomRows(int seed, int rows) =>
        Tensor.From(Dyadic(seed, rows * 16), rows, 16);

    internal static Tensor RandomImage(int seed, int rows) =>
        Tensor.From(Dyadic(seed, rows * 256), rows, 1, 16, 16);

    private static float[] Dyadic(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(-16, 17) / 16f).ToArray();
    }

    public void Dispose()
    {
        listener.Dispose();
        meters.Dispose();
    }
}
