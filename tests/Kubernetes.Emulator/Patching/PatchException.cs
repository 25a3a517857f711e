namespace MlOperator.Kubernetes.Emulator.Patching;

/// <summary>
/// A patch that cannot be applied. <see cref="StatusCode"/> is what the API server answers:
/// 422 for a well-formed patch that does not apply (failed test, missing path), 400 for a malformed one.
/// </summary>
public sealed class PatchException(string message, int statusCode = 422) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
