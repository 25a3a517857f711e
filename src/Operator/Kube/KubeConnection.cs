using k8s;

namespace MlOperator.Operator.Kube;

/// <summary>One API server to talk to: the library's configuration, and where it came from (for logs and errors).</summary>
public sealed record KubeConnection(KubernetesClientConfiguration Configuration, string Source)
{
    public Uri Server => new(Configuration.Host);

    /// <summary>The namespace of the context (or of the service account in-cluster); "default" when unset.</summary>
    public string Namespace => string.IsNullOrEmpty(Configuration.Namespace) ? "default" : Configuration.Namespace;
}
