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
    /// <summary>The NginxIngress router's Service {name}-canary over the canary's pods, during a weighted canary only.</summary>
    public V1Service? CanaryService { get; init; }

    /// <summary>The NginxIngress router's canary Ingress {name}-canary carrying the weight, during a weighted canary only.</summary>
    public V1Ingress? CanaryIngress { get; init; }

    public RevisionPlan Stable => Revisions.First(r => r.Role == RevisionRole.Stable);

    public V1Deployment StableDeployment => Deployments[Revisions.ToList().FindIndex(r => r.Role == RevisionRole.Stable)];

    /// <summary>Deployments first (pods take longest), then the Services, Ingresses and HPA that point at them.</summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> Objects
    {
        get
        {
            foreach (var deployment in Deployments)
            {
                yield return deployment;
            }

            yield return Service;
            if (CanaryService is not null)
            {
                yield return CanaryService;
            }

            if (Ingress is not null)
            {
                yield return Ingress;
            }

            if (CanaryIngress is not null)
            {
                yield return CanaryIngress;
            }

            if (HorizontalPodAutoscaler is not null)
            {
                yield return HorizontalPodAutoscaler;
            }
        }
    }
}
