using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Runtime.LeaderElection;

/// <summary>
/// The resource lock: one coordination.k8s.io/v1 Lease. Writes go through resourceVersion preconditions, so of
/// two candidates racing for an expired lease exactly one update wins and the other gets a Conflict.
/// </summary>
public sealed class LeaseLock(IKubeClient client, string ns, string name)
{
    public string Namespace { get; } = ns;
    public string Name { get; } = name;

    public Task<Lease?> GetAsync(CancellationToken ct) => client.TryGetAsync<Lease>(Name, Namespace, ct);

    public Task<Lease> CreateAsync(LeaseSpec spec, CancellationToken ct) =>
        client.CreateAsync(new Lease { Metadata = new ObjectMeta { Name = Name, Namespace = Namespace }, Spec = spec }, ct);

    /// <summary>PUT with the lease's resourceVersion as precondition.</summary>
    public Task<Lease> UpdateAsync(Lease lease, CancellationToken ct) => client.UpdateAsync(lease, ct);
}
