using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Resources;

/// <summary>The Ingress {name} when spec.ingress is set: one rule (host optional), one Prefix path, TLS when a secret is named.</summary>
public static class IngressBuilder
{
    public static Ingress? Build(ModelDeployment md, ModelDeploymentDefaults defaults) =>
        md.Spec.Ingress is null ? null : Build(md, ModelDeploymentNames.Ingress(md), ModelDeploymentNames.Service(md), null, defaults);

    /// <summary>Also builds the canary Ingress of the NginxIngress router (other name, other backend, annotations).</summary>
    public static Ingress Build(ModelDeployment md, string name, string serviceName, Dictionary<string, string>? annotations, ModelDeploymentDefaults defaults)
    {
        var spec = md.Spec.Ingress ?? new ModelIngressSpec();
        return new Ingress
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = md.Metadata.Namespace,
                Labels = ModelDeploymentLabels.Common(md),
                Annotations = annotations,
                OwnerReferences = [ControllerReference.For(md)],
            },
            Spec = new IngressSpec
            {
                IngressClassName = string.IsNullOrEmpty(spec.ClassName) ? null : spec.ClassName,
                Rules =
                [
                    new IngressRule
                    {
                        Host = string.IsNullOrEmpty(spec.Host) ? null : spec.Host,
                        Http = new HttpIngressRuleValue
                        {
                            Paths =
                            [
                                new HttpIngressPath
                                {
                                    Path = string.IsNullOrEmpty(spec.Path) ? defaults.IngressPath : spec.Path,
                                    PathType = "Prefix",
                                    Backend = new IngressBackend
                                    {
                                        Service = new IngressServiceBackend
                                        {
                                            Name = serviceName,
                                            Port = new ServiceBackendPort { Number = ServiceBuilder.Port(md, defaults) },
                                        },
                                    },
                                },
                            ],
                        },
                    },
                ],
                Tls = string.IsNullOrEmpty(spec.TlsSecretName) || string.IsNullOrEmpty(spec.Host)
                    ? null
                    : [new IngressTls { Hosts = [spec.Host], SecretName = spec.TlsSecretName }],
            },
        };
    }
}
