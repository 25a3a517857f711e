namespace MlOperator.Operator.Runtime.Controller;

/// <summary>
/// A failure that retrying cannot fix (invalid spec, …): the controller logs it and forgets the key until the
/// next change to the object wakes it again.
/// </summary>
public sealed class TerminalReconcileException(string message, Exception? inner = null) : Exception(message, inner);
