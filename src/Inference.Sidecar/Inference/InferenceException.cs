namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>A request the sidecar refuses: <see cref="Error"/> says why (the endpoints pick the status), the message goes to the client.</summary>
public sealed class InferenceException(InferenceError error, string message) : Exception(message)
{
    public InferenceError Error { get; } = error;

    public static InferenceException BadRequest(string message) => new(InferenceError.InvalidRequest, message);
}
