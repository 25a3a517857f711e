using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Options;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>
/// Applies <see cref="FaultSettings"/> to infer requests from inside <see cref="InferHandler"/>, so an injected
/// failure or delay is counted and timed exactly like a real one (<c>inference_requests_total{code="500"}</c>, the
/// duration histogram) — canary analysis must not be able to tell them apart.
/// </summary>
public sealed class InjectedFaults(FaultSettings settings, TimeProvider time)
{
    private long _requests;

    public bool Active { get; } = settings.Active;

    /// <summary>Waits the configured latency, then throws a 500-kind <see cref="InferenceException"/> for the requests the rate picks.</summary>
    public async ValueTask ApplyAsync(CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _requests);
        if (settings.Latency > TimeSpan.Zero)
        {
            await Task.Delay(settings.Latency, time, cancellationToken);
        }

        if (Fails(n, settings.ErrorRate))
        {
            throw new InferenceException(InferenceError.Internal, $"injected fault ({FaultSettings.ErrorRateKey}={settings.ErrorRate})");
        }
    }

    /// <summary>Deterministic: exactly floor(N·rate) of the first N requests fail, spread evenly.</summary>
    public static bool Fails(long n, double rate) => rate > 0 && Math.Floor(n * rate) > Math.Floor((n - 1) * rate);
}
