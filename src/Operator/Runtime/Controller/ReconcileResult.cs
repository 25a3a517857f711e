namespace MlOperator.Operator.Runtime.Controller;

/// <summary>
/// How a successful reconcile wants to be called again: not at all (<see cref="Done"/>), after a fixed delay
/// (<see cref="After"/>; resets back-off), or soon with rate-limited back-off (<see cref="RequeueNow"/>).
/// Failures are exceptions, not results.
/// </summary>
public sealed record ReconcileResult(bool Requeue = false, TimeSpan RequeueAfter = default)
{
    public static ReconcileResult Done { get; } = new();

    public static ReconcileResult RequeueNow { get; } = new(Requeue: true);

    public static ReconcileResult After(TimeSpan delay) => new(RequeueAfter: delay);
}
