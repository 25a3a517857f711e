using k8s.Models;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.Runtime.LeaderElection;

/// <summary>
/// The resource lock: one coordination.k8s.io/v1 Lease. Writes go through resourceVersion preconditions, so of
/// two candidates racing for an expired lease exactly one update wins and the other gets a Conflict.
/// </summary>
public sealed class LeaseLock(IKubeClient client, string ns, string name)
{
    public string Namespace { get; } = ns;
    public string Name { get; } = name;

    public Task<V1Lease?> GetAsync(CancellationToken ct) => client.TryGetAsync<V1Lease>(Name, Namespace, ct);

    public Task<V1Lease> CreateAsync(V1LeaseSpec spec, CancellationToken ct) =>
        client.CreateAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace }, Spec = spec }, ct);

    /// <summary>PUT with the lease's resourceVersion as precondition.</summary>
    public Task<V1Lease> UpdateAsync(V1Lease lease, CancellationToken ct) => client.UpdateAsync(lease, ct);
}
