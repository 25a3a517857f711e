namespace MlOperator.Operator.Runtime.Queue;

/// <summary>The queue controllers use: delaying queue plus a rate limiter for retries.</summary>
public class RateLimitingWorkQueue<T>(string name, TimeProvider time, IRateLimiter<T>? rateLimiter = null)
    : DelayingWorkQueue<T>(name, time) where T : notnull
{
    private readonly IRateLimiter<T> _rateLimiter = rateLimiter ?? RateLimiters.DefaultController<T>(time);

    /// <summary>Requeue after the rate limiter's delay; each call counts as one more failure of the item.</summary>
    public void AddRateLimited(T item)
    {
        Metrics.Retried();
        AddAfter(item, _rateLimiter.When(item));
    }

    /// <summary>Reset the item's failure count (after success or a terminal error).</summary>
    public void Forget(T item) => _rateLimiter.Forget(item);

    public int NumRequeues(T item) => _rateLimiter.NumRequeues(item);
}
