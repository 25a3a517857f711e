namespace MlOperator.Kubernetes.Emulator.Protobuf;

/// <summary>A protobuf body that is not a well-formed object of its kind (answered 400, never 500).</summary>
internal sealed class ProtobufDecodeException(string message) : Exception(message);
