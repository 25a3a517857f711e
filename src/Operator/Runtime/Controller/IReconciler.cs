namespace MlOperator.Operator.Runtime.Controller;

/// <summary>
/// Drives the object named by the request toward its desired state. Throw to retry with back-off; throw
/// <see cref="TerminalReconcileException"/> for errors that retrying cannot fix. Must be idempotent.
/// </summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken ct);
}
