namespace MlOperator.Operator.Runtime.Queue;

/// <summary>Per-item back-off: baseDelay · 2^failures, capped at maxDelay (client-go default 5 ms → 1000 s).</summary>
public sealed class ItemExponentialFailureRateLimiter<T>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<T>
    where T : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<T, int> _failures = [];

    public TimeSpan When(T item)
    {
        int exponent;
        lock (_gate)
        {
            _failures.TryGetValue(item, out exponent);
            _failures[item] = exponent + 1;
        }

        // Doubles hold 5 ms · 2^n exactly; overflow or a huge exponent simply lands on the cap.
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return double.IsFinite(ticks) && ticks < maxDelay.Ticks ? TimeSpan.FromTicks((long)ticks) : maxDelay;
    }

    public void Forget(T item)
    {
        lock (_gate)
        {
            _failures.Remove(item);
        }
    }

    public int NumRequeues(T item)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(item);
        }
    }
}
