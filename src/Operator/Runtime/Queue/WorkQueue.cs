namespace MlOperator.Operator.Runtime.Queue;

/// <summary>
/// client-go's basic work queue. <c>dirty</c> holds items that need processing, <c>processing</c> the ones a
/// worker holds: an item is queued at most once, never handed to two workers at once, and an item added while
/// it is being processed is queued again when the worker calls <see cref="Done"/>.
/// </summary>
public class WorkQueue<T>(string name, TimeProvider time) where T : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly Dictionary<T, long> _addedAt = [];
    private readonly Dictionary<T, long> _startedAt = [];
    private readonly WorkQueueMetrics _metrics = new(name);
    private TaskCompletionSource _changed = NewSignal();
    private bool _shuttingDown;

    public string Name { get; } = name;

    protected TimeProvider Time { get; } = time;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public bool ShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    private protected WorkQueueMetrics Metrics => _metrics;

    public void Add(T item)
    {
        lock (_gate)
        {
            if (_shuttingDown || !_dirty.Add(item))
            {
                return;
            }

            _metrics.Added();
            _addedAt[item] = Time.GetTimestamp();
            if (_processing.Contains(item))
            {
                // Done() queues it again, so one key never runs on two workers.
                return;
            }

            Enqueue(item);
        }
    }

    /// <summary>Waits for the next item. <c>ShuttingDown</c> is true (and the item meaningless) once the queue is shut down and empty.</summary>
    public async ValueTask<(T Item, bool ShuttingDown)> GetAsync(CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_queue.TryDequeue(out var item))
                {
                    _metrics.DepthChanged(-1);
                    _processing.Add(item);
                    _dirty.Remove(item);
                    var now = Time.GetTimestamp();
                    if (_addedAt.Remove(item, out var added))
                    {
                        _metrics.Waited(Time.GetElapsedTime(added, now));
                    }

                    _startedAt[item] = now;
                    return (item, false);
                }

                if (_shuttingDown)
                {
                    return (default!, true);
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Marks the item finished; if it was added meanwhile it goes back into the queue.</summary>
    public void Done(T item)
    {
        lock (_gate)
        {
            if (!_processing.Remove(item))
            {
                return;
            }

            if (_startedAt.Remove(item, out var started))
            {
                _metrics.Worked(Time.GetElapsedTime(started));
            }

            if (_dirty.Contains(item))
            {
                Enqueue(item);
            }
            else
            {
                Signal();
            }
        }
    }

    /// <summary>Stops accepting adds. Workers still receive what is queued, then see ShuttingDown.</summary>
    public virtual void ShutDown()
    {
        lock (_gate)
        {
            _shuttingDown = true;
            Signal();
        }
    }

    /// <summary>Shuts down, then waits until no worker holds an item.</summary>
    public async Task ShutDownWithDrainAsync(CancellationToken ct)
    {
        ShutDown();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_processing.Count == 0)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private void Enqueue(T item)
    {
        _queue.Enqueue(item);
        _metrics.DepthChanged(1);
        Signal();
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
