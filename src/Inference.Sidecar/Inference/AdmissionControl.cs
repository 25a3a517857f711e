using System.Threading.RateLimiting;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// Load shedding: at most <see cref="SidecarOptions.MaxInflight"/> requests are read, run and answered at once,
/// at most <see cref="SidecarOptions.MaxQueue"/> wait (before their bodies are read, so waiting costs no memory),
/// and the rest are refused at once with 503 so memory stays bounded however hard clients push.
/// </summary>
public sealed class AdmissionControl(SidecarOptions options, SidecarMetrics metrics) : IDisposable
{
    private readonly ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.MaxInflight,
        QueueLimit = options.MaxQueue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>A slot, or null when the queue is full (the caller answers 503).</summary>
    public async ValueTask<AdmissionSlot?> EnterAsync(CancellationToken cancellationToken)
    {
        var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            metrics.QueueChanged(1);
            try
            {
                lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                metrics.QueueChanged(-1);
            }

            if (!lease.IsAcquired)
            {
                lease.Dispose();
                return null;
            }
        }

        metrics.InflightChanged(1);
        metrics.AwaitingInferenceChanged(1);
        return new AdmissionSlot(lease, metrics);
    }

    public void Dispose() => limiter.Dispose();
}
