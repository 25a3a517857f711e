namespace MlOperator.Operator.Runtime.Queue;

/// <summary>client-go <c>workqueue.TypedRateLimiter</c>: how long an item waits before its next retry.</summary>
public interface IRateLimiter<in T>
{
    /// <summary>The delay for this retry; counts it as a failure.</summary>
    TimeSpan When(T item);

    /// <summary>Stop tracking the item: it succeeded (or we gave up).</summary>
    void Forget(T item);

    int NumRequeues(T item);
}
