namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>A failed ONNX Runtime call, carrying ORT's own error code and message.</summary>
public sealed class OnnxRuntimeException(OrtErrorCode code, string message) : Exception(message)
{
    public OrtErrorCode Code { get; } = code;
}
