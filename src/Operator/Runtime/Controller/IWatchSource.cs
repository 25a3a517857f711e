namespace MlOperator.Operator.Runtime.Controller;

/// <summary>Something that turns informer events into reconcile requests while a controller runs.</summary>
public interface IWatchSource
{
    /// <summary>Starts delivering requests to <paramref name="enqueue"/>; dispose to stop.</summary>
    IDisposable Start(Action<ReconcileRequest> enqueue);

    Task WaitForSyncAsync(CancellationToken ct);
}
