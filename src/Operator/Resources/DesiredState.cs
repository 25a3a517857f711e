using k8s;
using k8s.Models;

namespace MlOperator.Operator.Resources;

/// <summary>
/// Every child a ModelDeployment should have, plus the status facts that follow from them. The reconciler
/// applies <see cref="Objects"/> and deletes owned children that are not among them.
/// </summary>
public sealed record DesiredState(
    IReadOnlyList<RevisionPlan> Revisions,
    IReadOnlyList<V1Deployment> Deployments,
    V1Service Service,
    V1Ingress? Ingress,
    V2HorizontalPodAutoscaler? HorizontalPodAutoscaler,
    string Selector,
    string Url)
{
    public RevisionPlan Stable => Revisions.First(r => r.Role == RevisionRole.Stable);

    public V1Deployment StableDeployment => Deployments[Revisions.ToList().FindIndex(r => r.Role == RevisionRole.Stable)];

    /// <summary>In apply order: Deployments first (pods take longest), then the Service, Ingress and HPA that point at them.</summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> Objects
    {
        get
        {
            foreach (var deployment in Deployments)
            {
                yield return deployment;
            }

            yield return Service;
            if (Ingress is not null)
            {
                yield return Ingress;
            }

            if (HorizontalPodAutoscaler is not null)
            {
                yield return HorizontalPodAutoscaler;
            }
        }
    }
}
