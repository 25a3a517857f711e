using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// Load shedding: at most <see cref="SidecarOptions.MaxInflight"/> requests are read, run and answered at once,
/// at most <see cref="SidecarOptions.MaxQueue"/> wait (before their bodies are read, so waiting costs no memory),
/// and the rest are refused at once with 503 so memory stays bounded however hard clients push.
/// </summary>
/// <remarks>
/// Taking a free slot is one compare-and-swap: no lock, no lease object, no task. Only requests that must wait take
/// the lock, and a released slot goes straight to the oldest of them, so waiting is first come, first served and a
/// newcomer never overtakes the queue.
/// </remarks>
public sealed class AdmissionControl(SidecarOptions options, SidecarMetrics metrics) : IDisposable
{
    private readonly Lock gate = new();
    private readonly LinkedList<TaskCompletionSource<bool>> waiters = new(); // under gate
    private int free = options.MaxInflight;
    private int waiting; // waiters.Count, readable without the lock

    /// <summary>A slot, or null when the queue is full (the caller answers 503).</summary>
    public async ValueTask<AdmissionSlot?> EnterAsync(CancellationToken cancellationToken) =>
        TryEnter() || await WaitAsync(cancellationToken).ConfigureAwait(false) ? new AdmissionSlot(this) : null;

    /// <summary>Takes a free slot when one is free and nobody waits for it; the caller must <see cref="Exit"/>.</summary>
    public bool TryEnter()
    {
        if (Volatile.Read(ref waiting) == 0 && TryTakeSlot())
        {
            Admitted();
            return true;
        }

        return false;
    }

    /// <summary>Waits in line for a slot: true once admitted (the caller must <see cref="Exit"/>), false when the queue is full.</summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource<bool>> node;
        lock (gate)
        {
            // Counted before trying again, so a concurrent Exit either sees this waiter or leaves a slot it takes here.
            Interlocked.Increment(ref waiting);
            if (TryTakeSlot())
            {
                Interlocked.Decrement(ref waiting);
                Admitted();
                return true;
            }

            if (waiters.Count >= options.MaxQueue)
            {
                Interlocked.Decrement(ref waiting);
                return false;
            }

            node = waiters.AddLast(new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        metrics.QueueChanged(1);
        try
        {
            await using var registration = cancellationToken.Register(Cancel, node).ConfigureAwait(false);
            if (!await node.Value.Task.ConfigureAwait(false))
            {
                return false; // shutting down
            }
        }
        finally
        {
            metrics.QueueChanged(-1);
        }

        Admitted();
        return true;
    }

    /// <summary>Marks an admitted request's inference as done: the batcher stops counting it as one that could still join.</summary>
    public void InferenceFinished() => metrics.AwaitingInferenceChanged(-1);

    /// <summary>Gives an admitted request's slot back (to the oldest waiter, if any).</summary>
    /// <param name="inferencePending">True when <see cref="InferenceFinished"/> was not called for it.</param>
    public void Exit(bool inferencePending)
    {
        if (inferencePending)
        {
            metrics.AwaitingInferenceChanged(-1);
        }

        metrics.InflightChanged(-1);
        if (Volatile.Read(ref waiting) == 0)
        {
            Interlocked.Increment(ref free);
            if (Volatile.Read(ref waiting) == 0)
            {
                return;
            }

            // Someone started waiting meanwhile and may have missed this slot.
            lock (gate)
            {
                HandOverLocked();
            }

            return;
        }

        lock (gate)
        {
            Interlocked.Increment(ref free);
            HandOverLocked();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            while (waiters.First is { } node)
            {
                waiters.RemoveFirst();
                Interlocked.Decrement(ref waiting);
                node.Value.TrySetResult(false);
            }
        }
    }

    private void Admitted()
    {
        metrics.InflightChanged(1);
        metrics.AwaitingInferenceChanged(1);
    }

    private bool TryTakeSlot()
    {
        var current = Volatile.Read(ref free);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref free, current - 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Under the lock: free slots go to the oldest waiters.</summary>
    private void HandOverLocked()
    {
        while (waiters.First is { } node && TryTakeSlot())
        {
            waiters.RemoveFirst();
            Interlocked.Decrement(ref waiting);
            if (!node.Value.TrySetResult(true))
            {
                Interlocked.Increment(ref free);
            }
        }
    }

    private void Cancel(object? state)
    {
        var node = (LinkedListNode<TaskCompletionSource<bool>>)state!;
        lock (gate)
        {
            if (node.List is null)
            {
                return; // already handed a slot (or released at shutdown): the waiter owns what it got
            }

            waiters.Remove(node);
            Interlocked.Decrement(ref waiting);
        }

        node.Value.TrySetCanceled();
    }
}
