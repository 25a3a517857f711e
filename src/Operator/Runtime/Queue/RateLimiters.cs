namespace MlOperator.Operator.Runtime.Queue;

public static class RateLimiters
{
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(1000);
    public const double DefaultQps = 10;
    public const int DefaultBurst = 100;

    /// <summary>client-go <c>DefaultControllerRateLimiter</c>: max of per-item exponential (5 ms → 1000 s) and a 10 qps / 100 burst bucket.</summary>
    public static IRateLimiter<T> DefaultController<T>(TimeProvider time) where T : notnull =>
        new MaxOfRateLimiter<T>(
            new ItemExponentialFailureRateLimiter<T>(DefaultBaseDelay, DefaultMaxDelay),
            new BucketRateLimiter<T>(DefaultQps, DefaultBurst, time));
}
