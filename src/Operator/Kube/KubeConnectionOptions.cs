namespace MlOperator.Operator.Kube;

/// <summary>Overrides for <see cref="KubeConnectionLoader.Load"/>, the equivalent of kubectl's --kubeconfig and --context.</summary>
public sealed record KubeConnectionOptions
{
    /// <summary>An explicit kubeconfig path; KUBECONFIG, in-cluster and ~/.kube/config are then not read.</summary>
    public string? Path { get; init; }
    public string? Context { get; init; }

    /// <summary>The KUBECONFIG value (several paths joined by ':'); tests set it, null reads the environment.</summary>
    public string? KubeconfigVariable { get; init; }

    /// <summary>The home directory holding .kube/config; tests set it, null reads the environment.</summary>
    public string? Home { get; init; }

    /// <summary>Whether to look for the in-cluster service account; tests turn it off.</summary>
    public bool? InCluster { get; init; }
}
