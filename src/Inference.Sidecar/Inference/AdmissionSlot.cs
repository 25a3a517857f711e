using System.Threading.RateLimiting;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// One admitted request's place: counted in flight until disposed, and awaiting inference until
/// <see cref="InferenceFinished"/> (or disposal), so the batcher stops counting it while its response is written.
/// Created by <see cref="AdmissionControl"/>, which has already counted it in both.
/// </summary>
public sealed class AdmissionSlot(RateLimitLease lease, SidecarMetrics metrics) : IDisposable
{
    private int inferenceFinished;
    private int disposed;

    public void InferenceFinished()
    {
        if (Interlocked.Exchange(ref inferenceFinished, 1) == 0)
        {
            metrics.AwaitingInferenceChanged(-1);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            InferenceFinished();
            metrics.InflightChanged(-1);
            lease.Dispose();
        }
    }
}
