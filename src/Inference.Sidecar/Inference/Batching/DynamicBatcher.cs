using MlOperator.Inference.Sidecar.Inference.Onnx;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Inference.Batching;

/// <summary>
/// Merges concurrent requests along the model's dynamic first dimension into one ONNX Runtime run and splits the
/// results back. Requests are merged only when every input has the same element type and trailing shape and they
/// ask for the same outputs. At most <c>maxConcurrentRuns</c> merged runs execute at once (1 by default; more lets a
/// CPU-bound model with single-threaded runs use every core): while they run, new requests queue up and form the
/// next batch, so batches grow with load and a request waits at most <c>maxDelay</c> for others to join.
/// With <c>maxBatchRows</c> of 1, or a model without a dynamic first dimension, every request runs on its own.
/// When <c>requestsInFlight</c> is given, a batch stops waiting as soon as every admitted request is already in it
/// (nobody else can join before new traffic arrives), so a lone client pays no delay at all. When
/// <c>otherWorkPending</c> says the thread pool has work queued, that close is left to an item queued behind the work:
/// on one core, requests are parsed one after another and only one is ever in flight, so without this every request of
/// a loaded server ran alone (99.5 % of runs held one request at 16 connections on the bench MLP).
/// </summary>
/// <remarks>
/// There is no batching thread. Whoever makes a batch ready runs it on its own thread: the request that fills it or
/// finds that nobody else can join (its own answer is then ready when <see cref="RunAsync"/> returns), the timer when
/// the first waiting request's delay is up, or, when a run ends with the next batch ready, a thread-pool item. On one
/// core every hand-off is a context switch, and most requests under load close a batch themselves. One timer serves
/// every wait and is armed only while requests wait; the queue and slot bookkeeping is a short lock.
/// </remarks>
public sealed class DynamicBatcher : IInferenceRunner, IAsyncDisposable
{
    private readonly OnnxSession session;
    private readonly int maxBatchRows;
    private readonly TimeSpan maxDelay;
    private readonly TimeProvider time;
    private readonly SidecarMetrics metrics;
    private readonly bool modelBatchable;
    private readonly Func<long>? requestsInFlight;
    private readonly int maxConcurrentRuns;
    private readonly Func<bool>? otherWorkPending;
    private readonly Lock gate = new();
    private readonly List<Job> waiting = []; // under gate, oldest first
    private readonly ITimer? timer;
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long timerDue = long.MaxValue; // under gate: the timestamp the timer is armed for
    private int freeRuns; // under gate
    private long requestsRunning; // under gate: requests in batches now running, admitted but unable to join
    private bool disposing; // under gate
    private bool closerQueued; // under gate: a thread-pool item will look at the waiting requests

    public DynamicBatcher(OnnxSession session, int maxBatchRows, TimeSpan maxDelay, TimeProvider time, SidecarMetrics metrics,
        Func<long>? requestsInFlight = null, int maxConcurrentRuns = 1, Func<bool>? otherWorkPending = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentRuns, 1);
        this.session = session;
        this.maxBatchRows = maxBatchRows;
        this.maxDelay = maxDelay;
        this.time = time;
        this.metrics = metrics;
        this.requestsInFlight = requestsInFlight;
        this.maxConcurrentRuns = maxConcurrentRuns;
        this.otherWorkPending = otherWorkPending;
        freeRuns = maxConcurrentRuns;
        modelBatchable = maxBatchRows > 1 && AllDynamic(session.Inputs) && AllDynamic(session.Outputs);
        timer = modelBatchable ? time.CreateTimer(static s => ((DynamicBatcher)s!).DelayElapsed(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) : null;
    }

    public bool Enabled => modelBatchable;

    /// <summary>Tests: where a deferred close goes instead of the thread pool's queue (null: the thread pool).</summary>
    internal Action<Action>? CloserScheduler { get; set; }

    public ValueTask<Tensor[]> RunAsync(Tensor[] inputs, int[] outputIndexes, CancellationToken cancellationToken)
    {
        var rows = modelBatchable ? BatchRows(inputs) : -1;
        if (rows <= 0 || rows >= maxBatchRows || (requestsInFlight?.Invoke() <= 1 && otherWorkPending?.Invoke() != true))
        {
            // Nothing to merge with (or no one else in flight): run on the caller's thread, no hand-off.
            metrics.BatchRun(1);
            return new ValueTask<Tensor[]>(session.Run(inputs, outputIndexes));
        }

        var job = new Job(inputs, outputIndexes, rows, time.GetTimestamp());
        List<Job>? batch;
        lock (gate)
        {
            if (disposing)
            {
                throw new InferenceException(InferenceError.Unavailable, "the sidecar is shutting down");
            }

            waiting.Add(job);
            metrics.QueueChanged(1);
            batch = TakeReadyBatchLocked(deferWhenOthersPending: true);
        }

        if (batch is not null)
        {
            RunAndContinue(batch); // usually this job's own batch, so its answer is set when this returns
        }

        return new ValueTask<Tensor[]>(job.Result.Task);
    }

    private static bool AllDynamic(IReadOnlyList<TensorInfo> tensors)
    {
        foreach (var tensor in tensors)
        {
            if (!tensor.HasDynamicBatch)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The shared first dimension, or -1 when the inputs disagree on it (then ORT judges them alone).</summary>
    private static long BatchRows(Tensor[] inputs)
    {
        long rows = -1;
        foreach (var input in inputs)
        {
            if (input.Shape.Length == 0 || (rows >= 0 && input.Shape[0] != rows))
            {
                return -1;
            }

            rows = input.Shape[0];
        }

        return rows;
    }

    /// <summary>Same element types and trailing shapes, same outputs: the two can share one run.</summary>
    private static bool Mergeable(Job a, Job b)
    {
        if (a.Inputs.Length != b.Inputs.Length || !a.OutputIndexes.AsSpan().SequenceEqual(b.OutputIndexes))
        {
            return false;
        }

        for (var k = 0; k < a.Inputs.Length; k++)
        {
            var (x, y) = (a.Inputs[k], b.Inputs[k]);
            if (x.ElementType != y.ElementType || !x.Shape.AsSpan(1).SequenceEqual(y.Shape.AsSpan(1)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Under the lock: the oldest waiting request and those that can join it, taken off the queue with a run slot, when
    /// that batch is full, its delay is up or nobody else can join; otherwise null, with the timer armed for the delay.
    /// </summary>
    private List<Job>? TakeReadyBatchLocked(bool deferWhenOthersPending = false)
    {
        if (waiting.Count == 0 || freeRuns == 0)
        {
            return null; // a run ending takes the next batch
        }

        var first = waiting[0];
        var rows = first.Rows;
        var members = 1;
        for (var i = 1; i < waiting.Count && rows < maxBatchRows; i++)
        {
            if (rows + waiting[i].Rows <= maxBatchRows && Mergeable(first, waiting[i]))
            {
                rows += waiting[i].Rows;
                members++;
            }
        }

        var now = time.GetTimestamp();
        var ready = disposing
            || rows >= maxBatchRows
            || time.GetElapsedTime(first.Queued, now) >= maxDelay
            // Requests in batches already running count as in flight but cannot join this one.
            || requestsInFlight?.Invoke() - requestsRunning <= waiting.Count;
        if (!ready)
        {
            ArmTimerLocked(first.Queued, now);
            return null;
        }

        if (deferWhenOthersPending && rows < maxBatchRows && !disposing && otherWorkPending?.Invoke() == true)
        {
            // Work is queued on the thread pool (other connections' requests, on one core not yet parsed): close the
            // batch from an item queued behind it, so those requests can join instead of each running alone. The timer
            // still closes it when the delay is up first (a pool busy with other work).
            ArmTimerLocked(first.Queued, now);
            if (!closerQueued)
            {
                closerQueued = true;
                if (CloserScheduler is { } schedule)
                {
                    schedule(CloseQueued);
                }
                else
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static b => b.CloseQueued(), this, preferLocal: false);
                }
            }

            return null;
        }

        var batch = new List<Job>(members) { first };
        waiting.RemoveAt(0);
        var taken = first.Rows;
        for (var i = 0; i < waiting.Count && batch.Count < members; i++)
        {
            // The same greedy choice as above, now taking the jobs off the queue.
            if (taken + waiting[i].Rows <= maxBatchRows && Mergeable(first, waiting[i]))
            {
                taken += waiting[i].Rows;
                batch.Add(waiting[i]);
                waiting.RemoveAt(i--);
            }
        }

        freeRuns--;
        requestsRunning += batch.Count;
        metrics.QueueChanged(-batch.Count);
        if (waiting.Count > 0)
        {
            ArmTimerLocked(waiting[0].Queued, now);
        }
        else if (timerDue != long.MaxValue)
        {
            timerDue = long.MaxValue;
            timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        return batch;
    }

    private static long BatchRowsOf(List<Job> batch)
    {
        long rows = 0;
        foreach (var job in batch)
        {
            rows += job.Rows;
        }

        return rows;
    }

    private void ArmTimerLocked(long queued, long now)
    {
        var due = queued + (long)(maxDelay.TotalSeconds * time.TimestampFrequency);
        if (due == timerDue)
        {
            return;
        }

        timerDue = due;
        // Whole milliseconds, rounded up: system timers tick in milliseconds and may fire up to one early, which
        // would find the delay not yet up and re-arm for "0 ms" again and again.
        var remaining = Math.Ceiling((maxDelay - time.GetElapsedTime(queued, now)).TotalMilliseconds);
        timer!.Change(TimeSpan.FromMilliseconds(Math.Max(remaining, 0)), Timeout.InfiniteTimeSpan);
    }

    private void CloseQueued()
    {
        List<Job>? batch;
        lock (gate)
        {
            closerQueued = false;
            batch = TakeReadyBatchLocked();
        }

        if (batch is not null)
        {
            RunAndContinue(batch);
        }
    }

    private void DelayElapsed()
    {
        List<Job>? batch;
        lock (gate)
        {
            timerDue = long.MaxValue;
            batch = TakeReadyBatchLocked();
        }

        if (batch is not null)
        {
            RunAndContinue(batch);
        }
    }

    /// <summary>Runs a batch, gives its slot back, and hands a batch that became ready meanwhile to the thread pool.</summary>
    private void RunAndContinue(List<Job> batch)
    {
        try
        {
            Execute(batch);
        }
        catch (Exception e)
        {
            foreach (var job in batch)
            {
                job.Result.TrySetException(e); // no request may be left waiting forever
            }
        }
        finally
        {
            List<Job>? next;
            bool idle;
            lock (gate)
            {
                freeRuns++;
                requestsRunning -= batch.Count;
                next = TakeReadyBatchLocked();
                idle = disposing && waiting.Count == 0 && freeRuns == maxConcurrentRuns;
            }

            if (next is not null)
            {
                // Not on this thread: it may be a request's, whose own answer is ready and should not wait for others.
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Batcher.RunAndContinue(s.Batch), (Batcher: this, Batch: next), preferLocal: false);
            }

            if (idle)
            {
                drained.TrySetResult();
            }
        }
    }

    private void Execute(List<Job> batch)
    {
        metrics.BatchRun(batch.Count);
        if (batch.Count == 1)
        {
            RunAlone(batch[0]);
            return;
        }

        var rows = BatchRowsOf(batch);
        Tensor[] merged;
        try
        {
            merged = session.Run(Concatenate(batch, rows), batch[0].OutputIndexes);
        }
        catch (Exception)
        {
            // One bad request must not fail its neighbours: let each run on its own and get its own error.
            RunEachAlone(batch);
            return;
        }

        foreach (var tensor in merged)
        {
            if (tensor.Shape.Length == 0 || tensor.Shape[0] != rows)
            {
                RunEachAlone(batch); // an output not laid out along the batch dimension cannot be split
                return;
            }
        }

        long offset = 0;
        foreach (var job in batch)
        {
            var slices = new Tensor[merged.Length];
            for (var j = 0; j < merged.Length; j++)
            {
                slices[j] = Slice(merged[j], offset, job.Rows, rows);
            }

            job.Result.TrySetResult(slices);
            offset += job.Rows;
        }
    }

    private void RunEachAlone(List<Job> batch)
    {
        foreach (var job in batch)
        {
            RunAlone(job);
        }
    }

    private void RunAlone(Job job)
    {
        try
        {
            job.Result.TrySetResult(session.Run(job.Inputs, job.OutputIndexes));
        }
        catch (Exception e)
        {
            job.Result.TrySetException(e);
        }
    }

    private static Tensor[] Concatenate(List<Job> batch, long rows)
    {
        var first = batch[0].Inputs;
        var result = new Tensor[first.Length];
        for (var k = 0; k < first.Length; k++)
        {
            var shape = (long[])first[k].Shape.Clone();
            shape[0] = rows;
            if (first[k].ElementType == TensorElementType.String)
            {
                var strings = new byte[checked((int)Tensor.ElementCountOf(shape))][];
                var next = 0;
                foreach (var job in batch)
                {
                    job.Inputs[k].Strings!.CopyTo(strings, next);
                    next += job.Inputs[k].Strings!.Length;
                }

                result[k] = Tensor.FromStrings(shape, strings);
                continue;
            }

            var length = 0;
            foreach (var job in batch)
            {
                length += job.Inputs[k].Bytes.Length;
            }

            var bytes = GC.AllocateUninitializedArray<byte>(length);
            var at = 0;
            foreach (var job in batch)
            {
                job.Inputs[k].Bytes.CopyTo(bytes, at);
                at += job.Inputs[k].Bytes.Length;
            }

            result[k] = Tensor.FromBytes(first[k].ElementType, shape, bytes);
        }

        return result;
    }

    private static Tensor Slice(Tensor tensor, long offset, long count, long rows)
    {
        var shape = (long[])tensor.Shape.Clone();
        shape[0] = count;
        if (tensor.ElementType == TensorElementType.String)
        {
            var perRow = tensor.Strings!.Length / rows;
            return Tensor.FromStrings(shape, tensor.Strings.AsSpan((int)(offset * perRow), (int)(count * perRow)).ToArray());
        }

        var rowBytes = tensor.Bytes.Length / rows;
        return Tensor.FromBytes(tensor.ElementType, shape, tensor.Bytes.AsSpan((int)(offset * rowBytes), (int)(count * rowBytes)).ToArray());
    }

    /// <summary>Refuses new requests, runs every request still waiting, and returns once no run is left.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Job>? batch;
        bool idle;
        lock (gate)
        {
            disposing = true;
            batch = TakeReadyBatchLocked();
            idle = batch is null && waiting.Count == 0 && freeRuns == maxConcurrentRuns;
        }

        if (batch is not null)
        {
            RunAndContinue(batch);
        }

        if (!idle && modelBatchable)
        {
            await drained.Task.ConfigureAwait(false);
        }

        timer?.Dispose();
    }

    private sealed class Job(Tensor[] inputs, int[] outputIndexes, long rows, long queued)
    {
        public Tensor[] Inputs { get; } = inputs;

        public int[] OutputIndexes { get; } = outputIndexes;

        public long Rows { get; } = rows;

        /// <summary>When it started waiting (<see cref="TimeProvider.GetTimestamp"/>): its delay runs from here.</summary>
        public long Queued { get; } = queued;

        public TaskCompletionSource<Tensor[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
