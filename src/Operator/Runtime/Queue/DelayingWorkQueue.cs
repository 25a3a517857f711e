namespace MlOperator.Operator.Runtime.Queue;

/// <summary>
/// Adds <see cref="AddAfter"/>: the item enters the queue when a <see cref="TimeProvider"/> timer fires.
/// An item already waiting keeps the earlier of its two ready times, as in client-go.
/// </summary>
public class DelayingWorkQueue<T>(string name, TimeProvider time) : WorkQueue<T>(name, time) where T : notnull
{
    private readonly Lock _waitGate = new();
    private readonly Dictionary<T, Waiting> _waiting = [];
    private bool _stopped;

    public int WaitingCount
    {
        get
        {
            lock (_waitGate)
            {
                return _waiting.Count;
            }
        }
    }

    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        var readyAt = Time.GetUtcNow() + delay;
        lock (_waitGate)
        {
            if (_stopped)
            {
                return;
            }

            if (_waiting.TryGetValue(item, out var existing))
            {
                if (existing.ReadyAt <= readyAt)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var waiting = new Waiting(readyAt);
            waiting.Timer = Time.CreateTimer(_ => Fire(item, waiting), null, delay, Timeout.InfiniteTimeSpan);
            _waiting[item] = waiting;
        }
    }

    public override void ShutDown()
    {
        lock (_waitGate)
        {
            _stopped = true;
            foreach (var waiting in _waiting.Values)
            {
                waiting.Timer.Dispose();
            }

            _waiting.Clear();
        }

        base.ShutDown();
    }

    private void Fire(T item, Waiting waiting)
    {
        lock (_waitGate)
        {
            if (!_waiting.TryGetValue(item, out var current) || !ReferenceEquals(current, waiting))
            {
                return;
            }

            _waiting.Remove(item);
            waiting.Timer.Dispose();
        }

        Add(item);
    }

    private sealed class Waiting(DateTimeOffset readyAt)
    {
        public DateTimeOffset ReadyAt { get; } = readyAt;
        public ITimer Timer { get; set; } = null!;
    }
}
