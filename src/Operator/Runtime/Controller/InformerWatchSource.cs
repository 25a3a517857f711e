using k8s;
using k8s.Models;
using MlOperator.Operator.Runtime.Cache;

namespace MlOperator.Operator.Runtime.Controller;

/// <summary>Maps an informer's events through filters and a map function to requests.</summary>
public sealed class InformerWatchSource<T>(
    Informer<T> informer,
    Func<T, IEnumerable<ReconcileRequest>> map,
    IReadOnlyList<EventFilter> filters) : IWatchSource
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public Informer<T> Informer { get; } = informer;

    public IDisposable Start(Action<ReconcileRequest> enqueue) => Informer.AddEventHandler(new ResourceEventHandler<T>(
        OnAdd: obj =>
        {
            if (filters.All(f => f.Create?.Invoke(obj) ?? true))
            {
                Enqueue(obj, enqueue);
            }
        },
        OnUpdate: (old, obj) =>
        {
            if (filters.All(f => f.Update?.Invoke(old, obj) ?? true))
            {
                // Both: an owner reference or a mapped field may have moved from one request to another.
                Enqueue(old, enqueue);
                Enqueue(obj, enqueue);
            }
        },
        OnDelete: obj =>
        {
            if (filters.All(f => f.Delete?.Invoke(obj) ?? true))
            {
                Enqueue(obj, enqueue);
            }
        }));

    public Task WaitForSyncAsync(CancellationToken ct) => Informer.WaitForSyncAsync(ct);

    private void Enqueue(T obj, Action<ReconcileRequest> enqueue)
    {
        foreach (var request in map(obj))
        {
            enqueue(request);
        }
    }
}
