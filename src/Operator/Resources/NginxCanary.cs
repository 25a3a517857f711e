using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>
/// The NginxIngress traffic router (ingress-nginx canary annotations): during a weighted canary the Service {name}
/// selects the stable revision's pods only, {name}-canary selects the canary's, and the canary Ingress {name}-canary
/// (same host, path, TLS and class as {name}) sends the step's weight to it.
/// </summary>
public static class NginxCanary
{
    public const string CanaryAnnotation = "nginx.ingress.kubernetes.io/canary";
    public const string WeightAnnotation = "nginx.ingress.kubernetes.io/canary-weight";

    /// <summary>
    /// True when the spec routes by canary Ingress. Then the Service {name} is pinned to the stable revision even without
    /// a canary: a promotion is one change of the label value (old stable → new), never a selector widening that
    /// would briefly send the main Ingress's share to both revisions, and a rollback never touches the Service.
    /// </summary>
    public static bool Routes(ModelDeployment md) =>
        md.Spec.Rollout?.TrafficRouting == RolloutSpec.NginxIngress && md.Spec.Ingress is not null;

    public static Dictionary<string, string> Annotations(int weightPercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weightPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weightPercent, 100);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CanaryAnnotation] = "true",
            [WeightAnnotation] = weightPercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
