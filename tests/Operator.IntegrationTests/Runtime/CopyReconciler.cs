using System.Text;
using MlOperator.Operator.Kube.Client;
using k8s.Models;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Controller;

namespace MlOperator.Operator.IntegrationTests.Runtime;

/// <summary>
/// A small level-based controller: every V1ConfigMap gets a Secret "{name}-copy" holding the same data, owned by
/// the ConfigMap. Reads come from the caches, writes go to the API; a stale cache surfaces as a Conflict and is
/// retried by the controller's back-off.
/// </summary>
public sealed class CopyReconciler(IKubeClient client, Informer<V1ConfigMap> sources, Informer<V1Secret> copies) : IReconciler
{
    private int _reconciles;

    public int Reconciles => Volatile.Read(ref _reconciles);

    public static string CopyName(string source) => source + "-copy";

    /// <summary>A Secret's data for the ConfigMap's (the library base64-encodes bytes on the wire).</summary>
    public static Dictionary<string, byte[]> Encode(IDictionary<string, string>? data) =>
        (data ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value));

    public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref _reconciles);
        var source = sources.Get(request.Namespace, request.Name);
        if (source is null)
        {
            // Deleted: the garbage collector (or nobody, in these tests) owns the cleanup.
            return ReconcileResult.Done;
        }

        var want = Encode(source.Data);
        var copy = copies.Get(request.Namespace, CopyName(request.Name));
        if (copy is null)
        {
            await client.CreateAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta
                {
                    Name = CopyName(request.Name),
                    NamespaceProperty = request.Namespace,
                    OwnerReferences =
                    [
                        new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = source.Metadata.Name!, Uid = source.Metadata.Uid!, Controller = true },
                    ],
                },
                Type = "Opaque",
                Data = want,
            }, ct);
            return ReconcileResult.Done;
        }

        if (!Same(copy.Data, want))
        {
            copy.Data = want;
            await client.UpdateAsync(copy, ct);
        }

        return ReconcileResult.Done;
    }

    public static bool Same(IDictionary<string, byte[]>? a, Dictionary<string, byte[]> b) =>
        (a?.Count ?? 0) == b.Count && b.All(kv => a!.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));
}
