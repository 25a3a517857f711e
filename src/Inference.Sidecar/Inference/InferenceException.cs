namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>A request the sidecar refuses; <see cref="StatusCode"/> is the HTTP status, the message goes to the client.</summary>
public sealed class InferenceException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static InferenceException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
