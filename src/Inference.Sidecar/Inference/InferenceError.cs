namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>Why a request is refused, in the inference layer's words; the endpoints map each kind to an HTTP status.</summary>
public enum InferenceError
{
    /// <summary>The request itself is wrong: malformed, wrong names, types, shapes or counts.</summary>
    InvalidRequest,

    /// <summary>No such model or version here.</summary>
    UnknownModel,

    /// <summary>Over a size limit (body bytes, tensor elements).</summary>
    TooLarge,

    /// <summary>Not ready, overloaded or shutting down: worth retrying later.</summary>
    Unavailable,

    /// <summary>A failure on the server's side that the caller cannot fix (answered 500).</summary>
    Internal,
}
