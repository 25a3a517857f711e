using MlOperator.Operator.Runtime.Queue;

namespace MlOperator.Operator.Runtime.Controller;

public sealed record ControllerOptions
{
    /// <summary>Concurrent reconciles (different keys only: the queue never runs one key twice at once).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Retry back-off; default is max(5 ms → 1000 s per item, 10 qps / 100 burst overall).</summary>
    public Func<TimeProvider, IRateLimiter<ReconcileRequest>>? RateLimiter { get; init; }
}
