using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>An Ingress that routes external HTTP(S) traffic to the Service.</summary>
[CelRule(ModelDeploymentCelRules.TlsNeedsHost, "spec.ingress.tlsSecretName requires spec.ingress.host")]
public sealed class ModelIngressSpec
{
    /// <summary>Host name to route, e.g. fraud.example.com; omit to match every host.</summary>
    [MaxLength(253), Pattern(HostPattern)]
    public string? Host { get; set; }

    /// <summary>IngressClass to use (e.g. nginx); omit for the cluster default.</summary>
    [MaxLength(253)]
    public string? ClassName { get; set; }

    /// <summary>Path prefix to route.</summary>
    [Pattern("^/.*$"), Default("/")]
    public string? Path { get; set; }

    /// <summary>Secret holding the TLS certificate for the host; requires host.</summary>
    [MaxLength(253)]
    public string? TlsSecretName { get; set; }

    public const string HostPattern = "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
}
