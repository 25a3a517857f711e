using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Endpoints;

/// <summary>The HTTP edge: each inference error kind's status code, in one place.</summary>
public static class ErrorStatus
{
    public static int Of(InferenceError error) => error switch
    {
        InferenceError.InvalidRequest => StatusCodes.Status400BadRequest,
        InferenceError.UnknownModel => StatusCodes.Status404NotFound,
        InferenceError.TooLarge => StatusCodes.Status413PayloadTooLarge,
        InferenceError.Unavailable => StatusCodes.Status503ServiceUnavailable,
        InferenceError.Internal => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status500InternalServerError,
    };
}
