namespace MlOperator.Operator.Runtime.Cache;

/// <summary>Exponential back-off with up to 20% jitter (so a fleet of reflectors does not retry in lockstep).</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private TimeSpan _next;

    public TimeSpan Next()
    {
        var current = _next == TimeSpan.Zero ? initial : _next;
        _next = TimeSpan.FromTicks(Math.Min(max.Ticks, current.Ticks * 2));
        return current + TimeSpan.FromTicks((long)(current.Ticks * 0.2 * Random.Shared.NextDouble()));
    }

    public void Reset() => _next = TimeSpan.Zero;
}
