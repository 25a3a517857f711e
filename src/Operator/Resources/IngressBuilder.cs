using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>The Ingress {name} when spec.ingress is set: one rule (host optional), one Prefix path, TLS when a secret is named.</summary>
public static class IngressBuilder
{
    public static V1Ingress? Build(ModelDeployment md, ModelDeploymentDefaults defaults) =>
        md.Spec.Ingress is null ? null : Build(md, ModelDeploymentNames.Ingress(md), ModelDeploymentNames.Service(md), null, defaults);

    /// <summary>Also builds the canary Ingress of the NginxIngress router (other name, other backend, annotations).</summary>
    public static V1Ingress Build(ModelDeployment md, string name, string serviceName, Dictionary<string, string>? annotations, ModelDeploymentDefaults defaults)
    {
        var spec = md.Spec.Ingress ?? new ModelIngressSpec();
        return new V1Ingress
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = md.Metadata.NamespaceProperty,
                Labels = ModelDeploymentLabels.Common(md),
                Annotations = annotations,
                OwnerReferences = [ControllerReference.For(md)],
            },
            Spec = new V1IngressSpec
            {
                IngressClassName = string.IsNullOrEmpty(spec.ClassName) ? null : spec.ClassName,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = string.IsNullOrEmpty(spec.Host) ? null : spec.Host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = string.IsNullOrEmpty(spec.Path) ? defaults.IngressPath : spec.Path,
                                    PathType = "Prefix",
                                    Backend = new V1IngressBackend
                                    {
                                        Service = new V1IngressServiceBackend
                                        {
                                            Name = serviceName,
                                            Port = new V1ServiceBackendPort { Number = ServiceBuilder.Port(md, defaults) },
                                        },
                                    },
                                },
                            ],
                        },
                    },
                ],
                Tls = string.IsNullOrEmpty(spec.TlsSecretName) || string.IsNullOrEmpty(spec.Host)
                    ? null
                    : [new V1IngressTLS { Hosts = [spec.Host], SecretName = spec.TlsSecretName }],
            },
        };
    }
}
