using System.Globalization;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube;

namespace MlOperator.Operator.Resources;

/// <summary>
/// ModelDeployment + observed children + operator defaults → the children it should have. Pure; call it only
/// with a spec that <see cref="ModelDeploymentValidator"/> accepted (it tolerates broken cross-field rules such
/// as maxReplicas below minReplicas, not a missing spec.model).
/// </summary>
public static class DesiredStateBuilder
{
    /// <summary>Today: one stable revision built from the spec.</summary>
    public static DesiredState Build(ModelDeployment md, ObservedState observed, ModelDeploymentDefaults defaults) =>
        Build(md, [StablePlan(md, defaults)], defaults);

    /// <summary>
    /// The seam for canaries: the caller decides which revisions exist (stable, and maybe a canary with its own
    /// template) and how many replicas each runs; everything else follows from the spec. <paramref name="canaryWeight"/>
    /// is the traffic share a weighted canary gets this pass (null: no weighted canary runs); with NginxIngress routing
    /// it becomes the canary Ingress's weight, with ReplicaRatio the replica counts carry it and it is unused.
    /// </summary>
    public static DesiredState Build(ModelDeployment md, IReadOnlyList<RevisionPlan> revisions, ModelDeploymentDefaults defaults, int? canaryWeight = null)
    {
        if (revisions.Count(r => r.Role == RevisionRole.Stable) != 1)
        {
            throw new ArgumentException("exactly one stable revision is required", nameof(revisions));
        }

        var deployments = revisions.Select(r => KubeResource.Stamp(DeploymentBuilder.Build(md, r, defaults))).ToList();
        var stablePlan = revisions.Single(r => r.Role == RevisionRole.Stable);
        var stable = deployments[revisions.ToList().IndexOf(stablePlan)];
        var routed = NginxCanary.Routes(md);
        var service = routed
            ? ServiceBuilder.Build(md, ModelDeploymentNames.Service(md), ModelDeploymentLabels.RevisionSelector(md, stablePlan), defaults)
            : ServiceBuilder.Build(md, defaults);
        var canary = routed && canaryWeight is int weight && revisions.FirstOrDefault(r => r.Role == RevisionRole.Canary) is { } canaryPlan
            ? (Service: ServiceBuilder.Build(md, ModelDeploymentNames.CanaryService(md), ModelDeploymentLabels.RevisionSelector(md, canaryPlan), defaults),
               Ingress: IngressBuilder.Build(md, ModelDeploymentNames.CanaryIngress(md), ModelDeploymentNames.CanaryService(md), NginxCanary.Annotations(weight), defaults))
            : default;

        // Right after a promotion or rollback ingress-nginx may still route the canary share to {name}-canary for a
        // moment: while a revision drains, that Service stays and selects the stable revision, so the share never
        // meets a Service without endpoints.
        if (routed && canary.Service is null && md.Spec.Rollout?.Steps is { Count: > 0 } && revisions.Any(r => r.Role == RevisionRole.Retiring))
        {
            canary.Service = ServiceBuilder.Build(md, ModelDeploymentNames.CanaryService(md), ModelDeploymentLabels.RevisionSelector(md, stablePlan), defaults);
        }

        return new DesiredState(
            revisions,
            deployments,
            KubeResource.Stamp(service),
            IngressBuilder.Build(md, defaults) is { } ingress ? KubeResource.Stamp(ingress) : null,
            HpaBuilder.Build(md, stable.Metadata.Name!, defaults) is { } hpa ? KubeResource.Stamp(hpa) : null,
            ModelDeploymentLabels.SelectorText(md),
            Url(md, defaults))
        {
            CanaryService = canary.Service is null ? null : KubeResource.Stamp(canary.Service),
            CanaryIngress = canary.Ingress is null ? null : KubeResource.Stamp(canary.Ingress),
        };
    }

    /// <summary>The revision the spec describes, with the replica count the spec asks for (null when the HPA owns it).</summary>
    public static RevisionPlan StablePlan(ModelDeployment md, ModelDeploymentDefaults defaults) =>
        new(RevisionTemplate.From(md.Spec), RevisionRole.Stable, md.Spec.Autoscaling is null ? md.Spec.Replicas ?? defaults.Replicas : null);

    /// <summary>http(s)://host/path when an Ingress host is set, else the Service's cluster DNS name.</summary>
    public static string Url(ModelDeployment md, ModelDeploymentDefaults defaults)
    {
        if (md.Spec.Ingress is { Host: { Length: > 0 } host } ingress)
        {
            var scheme = string.IsNullOrEmpty(ingress.TlsSecretName) ? "http" : "https";
            var path = string.IsNullOrEmpty(ingress.Path) || ingress.Path == "/" ? "" : ingress.Path;
            return $"{scheme}://{host}{path}";
        }

        var port = ServiceBuilder.Port(md, defaults);
        var suffix = port == 80 ? "" : ":" + port.ToString(CultureInfo.InvariantCulture);
        return $"http://{ModelDeploymentNames.Service(md)}.{md.Metadata.NamespaceProperty}.svc{suffix}";
    }
}
