namespace MlOperator.Inference.Sidecar.Options;

/// <summary>A configuration mistake; the process prints it and exits 2 before listening.</summary>
public sealed class SidecarOptionsException(string message) : Exception(message);
