using System.Text;
using System.Threading.Channels;
using MlOperator.Inference.Sidecar.Inference.Onnx;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Inference.Batching;

/// <summary>
/// Merges concurrent requests along the model's dynamic first dimension into one ONNX Runtime run and splits the
/// results back. Requests are merged only when every input has the same element type and trailing shape and they
/// ask for the same outputs. At most <c>maxConcurrentRuns</c> merged runs execute at once (1 by default; more lets a
/// CPU-bound model with single-threaded runs use every core): while they run, new requests queue up and form the
/// next batch, so batches grow with load and a lone request waits at most <c>maxDelay</c>.
/// With <c>maxBatchRows</c> of 1, or a model without a dynamic first dimension, every request runs on its own.
/// When <c>requestsInFlight</c> is given, a batch stops waiting as soon as every admitted request is already in it
/// (nobody else can join before new traffic arrives), so a lone client pays no delay at all.
/// </summary>
public sealed class DynamicBatcher : IInferenceRunner, IAsyncDisposable
{
    private readonly OnnxSession session;
    private readonly int maxBatchRows;
    private readonly TimeSpan maxDelay;
    private readonly TimeProvider time;
    private readonly SidecarMetrics metrics;
    private readonly bool modelBatchable;
    private readonly Channel<Job> queue = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<long>? requestsInFlight;
    private readonly int maxConcurrentRuns;
    private readonly SemaphoreSlim runSlots;
    private long requestsRunning;
    private readonly Task loop;

    public DynamicBatcher(OnnxSession session, int maxBatchRows, TimeSpan maxDelay, TimeProvider time, SidecarMetrics metrics,
        Func<long>? requestsInFlight = null, int maxConcurrentRuns = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentRuns, 1);
        this.requestsInFlight = requestsInFlight;
        this.maxConcurrentRuns = maxConcurrentRuns;
        runSlots = new SemaphoreSlim(maxConcurrentRuns, maxConcurrentRuns);
        this.session = session;
        this.maxBatchRows = maxBatchRows;
        this.maxDelay = maxDelay;
        this.time = time;
        this.metrics = metrics;
        modelBatchable = maxBatchRows > 1
            && session.Inputs.All(i => i.HasDynamicBatch)
            && session.Outputs.All(o => o.HasDynamicBatch);
        loop = modelBatchable ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    public bool Enabled => modelBatchable;

    public ValueTask<Tensor[]> RunAsync(Tensor[] inputs, int[] outputIndexes, CancellationToken cancellationToken)
    {
        var rows = modelBatchable ? BatchRows(inputs) : -1;
        if (rows <= 0 || rows >= maxBatchRows || requestsInFlight?.Invoke() <= 1)
        {
            // Nothing to merge with (or no one else in flight): run on the caller's thread, no hand-off.
            metrics.BatchRun(1);
            return new ValueTask<Tensor[]>(session.Run(inputs, outputIndexes));
        }

        var job = new Job(inputs, outputIndexes, rows, Signature(inputs, outputIndexes));
        metrics.QueueChanged(1);
        if (!queue.Writer.TryWrite(job))
        {
            metrics.QueueChanged(-1);
            throw new InferenceException(InferenceError.Unavailable, "the sidecar is shutting down");
        }

        return new ValueTask<Tensor[]>(job.Result.Task);
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

    private static string Signature(Tensor[] inputs, int[] outputIndexes)
    {
        var key = new StringBuilder();
        foreach (var input in inputs)
        {
            key.Append((int)input.ElementType).Append(':');
            for (var d = 1; d < input.Shape.Length; d++)
            {
                key.Append(input.Shape[d]).Append(',');
            }

            key.Append(';');
        }

        return key.Append('>').AppendJoin(',', outputIndexes).ToString();
    }

    private async Task LoopAsync()
    {
        var reader = queue.Reader;
        var pending = new List<Job>();
        while (true)
        {
            // Take a run slot before forming the batch, so everything that queues while all slots are busy joins it.
            await runSlots.WaitAsync().ConfigureAwait(false);
            Job first;
            if (pending.Count > 0)
            {
                first = pending[0];
                pending.RemoveAt(0);
            }
            else
            {
                if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    runSlots.Release();
                    return;
                }

                if (!reader.TryRead(out first!))
                {
                    runSlots.Release();
                    continue;
                }
            }

            var batch = new List<Job> { first };
            var rows = first.Rows;
            for (var i = 0; i < pending.Count && rows < maxBatchRows; i++)
            {
                if (pending[i].Key == first.Key && rows + pending[i].Rows <= maxBatchRows)
                {
                    rows += pending[i].Rows;
                    batch.Add(pending[i]);
                    pending.RemoveAt(i--);
                }
            }

            var started = time.GetTimestamp();
            while (rows < maxBatchRows)
            {
                if (reader.TryRead(out var next))
                {
                    if (next.Key == first.Key && rows + next.Rows <= maxBatchRows)
                    {
                        rows += next.Rows;
                        batch.Add(next);
                    }
                    else
                    {
                        pending.Add(next);
                    }

                    continue;
                }

                var remaining = maxDelay - time.GetElapsedTime(started);
                // Requests in batches already running count as in flight but cannot join this one.
                if (remaining <= TimeSpan.Zero
                    || requestsInFlight?.Invoke() - Interlocked.Read(ref requestsRunning) <= batch.Count + pending.Count)
                {
                    break;
                }

                using var window = new CancellationTokenSource(remaining, time);
                try
                {
                    if (!await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            metrics.QueueChanged(-batch.Count);
            if (maxConcurrentRuns == 1)
            {
                Execute(batch, rows);
                runSlots.Release();
                continue;
            }

            Interlocked.Add(ref requestsRunning, batch.Count);
            var (jobs, total) = (batch, rows);
            _ = Task.Run(() =>
            {
                try
                {
                    Execute(jobs, total);
                }
                finally
                {
                    Interlocked.Add(ref requestsRunning, -jobs.Count);
                    runSlots.Release();
                }
            });
        }
    }

    private void Execute(List<Job> batch, long rows)
    {
        metrics.BatchRun(batch.Count);
        if (batch.Count == 1)
        {
            RunAlone(batch[0]);
            return;
        }

        Tensor[] merged;
        try
        {
            merged = session.Run(Concatenate(batch, rows), batch[0].OutputIndexes);
        }
        catch (Exception)
        {
            // One bad request must not fail its neighbours: let each run on its own and get its own error.
            batch.ForEach(RunAlone);
            return;
        }

        if (merged.Any(t => t.Shape.Length == 0 || t.Shape[0] != rows))
        {
            batch.ForEach(RunAlone); // an output not laid out along the batch dimension cannot be split
            return;
        }

        long offset = 0;
        foreach (var job in batch)
        {
            job.Result.TrySetResult(merged.Select(t => Slice(t, offset, job.Rows, rows)).ToArray());
            offset += job.Rows;
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
                result[k] = Tensor.FromStrings(shape, batch.SelectMany(j => j.Inputs[k].Strings!).ToArray());
                continue;
            }

            var bytes = GC.AllocateUninitializedArray<byte>(batch.Sum(j => j.Inputs[k].Bytes.Length));
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

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        for (var i = 0; i < maxConcurrentRuns; i++)
        {
            await runSlots.WaitAsync().ConfigureAwait(false); // every merged run has finished
        }
    }

    private sealed record Job(Tensor[] Inputs, int[] OutputIndexes, long Rows, string Key)
    {
        public TaskCompletionSource<Tensor[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
