namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>A download that failed for good. <see cref="Retryable"/> failures are tried again first (network, 5xx, 429).</summary>
public sealed class FetchException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
