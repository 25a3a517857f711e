namespace MlOperator.Operator.Runtime.Queue;

/// <summary>
/// Overall token bucket (golang.org/x/time/rate reservation semantics): the bucket starts full with
/// <c>burst</c> tokens and refills at <c>qps</c>; each retry takes one token, and a missing token becomes
/// a delay. It bounds the retry rate of the whole queue, whatever the per-item back-off says.
/// </summary>
public sealed class BucketRateLimiter<T>(double qps, int burst, TimeProvider time) : IRateLimiter<T>
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private DateTimeOffset? _last;

    public TimeSpan When(T item)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_last is { } last && now > last)
            {
                _tokens = Math.Min(burst, _tokens + (now - last).TotalSeconds * qps);
            }

            _last = now;
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / qps);
        }
    }

    public void Forget(T item)
    {
    }

    public int NumRequeues(T item) => 0;
}
