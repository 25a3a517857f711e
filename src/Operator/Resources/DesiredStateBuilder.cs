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
    /// template) and how many replicas each runs; everything else follows from the spec.
    /// </summary>
    public static DesiredState Build(ModelDeployment md, IReadOnlyList<RevisionPlan> revisions, ModelDeploymentDefaults defaults)
    {
        if (revisions.Count(r => r.Role == RevisionRole.Stable) != 1)
        {
            throw new ArgumentException("exactly one stable revision is required", nameof(revisions));
        }

        var deployments = revisions.Select(r => KubeResource.Stamp(DeploymentBuilder.Build(md, r, defaults))).ToList();
        var stable = deployments[revisions.ToList().FindIndex(r => r.Role == RevisionRole.Stable)];
        return new DesiredState(
            revisions,
            deployments,
            KubeResource.Stamp(ServiceBuilder.Build(md, defaults)),
            IngressBuilder.Build(md, defaults) is { } ingress ? KubeResource.Stamp(ingress) : null,
            HpaBuilder.Build(md, stable.Metadata.Name!, defaults) is { } hpa ? KubeResource.Stamp(hpa) : null,
            ModelDeploymentLabels.SelectorText(md),
            Url(md, defaults));
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
