namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// Token bucket on a <see cref="TimeProvider"/> (client-go's flowcontrol): a caller takes a token now or reserves
/// the next one and waits for it, so waiting callers are served in order at the sustained rate.
/// </summary>
internal sealed class KubeRateLimiter(double qps, int burst, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly int _burst = Math.Max(1, burst);
    private double _tokens = Math.Max(1, burst);
    private long _last = time.GetTimestamp();

    public bool Enabled => qps > 0;

    /// <summary>How long the caller must wait for its token (zero when one was available); the token is taken either way.</summary>
    public TimeSpan Reserve()
    {
        if (!Enabled)
        {
            return TimeSpan.Zero;
        }

        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * qps);
            _last = now;
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / qps);
        }
    }

    public ValueTask WaitAsync(CancellationToken ct)
    {
        var wait = Reserve();
        return wait <= TimeSpan.Zero ? ValueTask.CompletedTask : new ValueTask(Task.Delay(wait, time, ct));
    }
}
