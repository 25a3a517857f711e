namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// One admitted request's place: counted in flight until disposed, and awaiting inference until
/// <see cref="InferenceFinished"/> (or disposal), so the batcher stops counting it while its response is written.
/// Created by <see cref="AdmissionControl.EnterAsync"/>, which has already counted it in both. (The infer handler
/// uses <see cref="AdmissionControl.TryEnter"/> and <see cref="AdmissionControl.Exit"/> directly: no object per request.)
/// </summary>
public sealed class AdmissionSlot(AdmissionControl admission) : IDisposable
{
    private int inferenceFinished;
    private int disposed;

    public void InferenceFinished()
    {
        if (Interlocked.Exchange(ref inferenceFinished, 1) == 0)
        {
            admission.InferenceFinished();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            admission.Exit(inferencePending: Interlocked.Exchange(ref inferenceFinished, 1) == 0);
        }
    }
}
