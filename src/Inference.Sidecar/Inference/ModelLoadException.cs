namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>The model cannot be served (missing, wrong digest, not loadable); the process must not become ready.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
