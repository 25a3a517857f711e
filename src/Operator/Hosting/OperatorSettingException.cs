namespace MlOperator.Operator.Hosting;

/// <summary>A setting with a value the operator cannot use; the message says what is wrong with it.</summary>
public sealed class OperatorSettingException(string message) : Exception(message);
