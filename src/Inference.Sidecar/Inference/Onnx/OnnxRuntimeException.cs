namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>A failed ONNX Runtime call, carrying ORT's own error code and message.</summary>
public sealed class OnnxRuntimeException(OrtErrorCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public OrtErrorCode Code { get; } = code;

    /// <summary>
    /// The package's exception keeps ORT's code internal and puts it in the message as "[ErrorCode:Name] text";
    /// the code decides 400 versus 500, so it is read back from there.
    /// </summary>
    public static OnnxRuntimeException From(Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
    {
        const string prefix = "[ErrorCode:";
        var message = e.Message;
        var code = OrtErrorCode.Fail;
        if (message.StartsWith(prefix, StringComparison.Ordinal) && message.IndexOf(']', StringComparison.Ordinal) is var end and > 0)
        {
            code = Enum.TryParse<OrtErrorCode>(message.AsSpan(prefix.Length, end - prefix.Length), out var parsed) ? parsed : OrtErrorCode.Fail;
            message = message[(end + 1)..].TrimStart();
        }

        return new OnnxRuntimeException(code, message, e);
    }
}
