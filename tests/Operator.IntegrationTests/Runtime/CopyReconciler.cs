using System.Text;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Runtime.Cache;
using MlOperator.Operator.Runtime.Controller;

namespace MlOperator.Operator.IntegrationTests.Runtime;

/// <summary>
/// A small level-based controller: every ConfigMap gets a Secret "{name}-copy" holding the same data, owned by
/// the ConfigMap. Reads come from the caches, writes go to the API; a stale cache surfaces as a Conflict and is
/// retried by the controller's back-off.
/// </summary>
public sealed class CopyReconciler(IKubeClient client, Informer<TestConfigMap> sources, Informer<TestSecret> copies) : IReconciler
{
    private int _reconciles;

    public int Reconciles => Volatile.Read(ref _reconciles);

    public static string CopyName(string source) => source + "-copy";

    public static Dictionary<string, string> Encode(Dictionary<string, string>? data) =>
        (data ?? []).ToDictionary(kv => kv.Key, kv => Convert.ToBase64String(Encoding.UTF8.GetBytes(kv.Value)));

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
            await client.CreateAsync(new TestSecret
            {
                Metadata = new ObjectMeta
                {
                    Name = CopyName(request.Name),
                    Namespace = request.Namespace,
                    OwnerReferences =
                    [
                        new OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = source.Metadata.Name!, Uid = source.Metadata.Uid!, Controller = true },
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

    public static bool Same(Dictionary<string, string>? a, Dictionary<string, string> b) =>
        (a?.Count ?? 0) == b.Count && b.All(kv => a!.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
