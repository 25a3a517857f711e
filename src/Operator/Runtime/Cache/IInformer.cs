namespace MlOperator.Operator.Runtime.Cache;

/// <summary>The untyped face of an <see cref="Informer{T}"/>, for the factory and the manager.</summary>
public interface IInformer
{
    Type ObjectType { get; }
    InformerOptions Options { get; }
    bool HasSynced { get; }
    bool IsRunning { get; }
    Task WaitForSyncAsync(CancellationToken ct);

    /// <summary>Lists, then watches until cancelled; never throws for API errors (it backs off and retries).</summary>
    Task RunAsync(CancellationToken ct);
}
