namespace MlOperator.Operator.Kube;

/// <summary>
/// Configuration that cannot be used. The message names the file and the field, ready to show a user as is.
/// </summary>
public sealed class KubeConfigException(string message, Exception? inner = null) : Exception(message, inner);
