namespace MlOperator.Operator.Kube.Config;

/// <summary>Overrides for <see cref="KubeConfigLoader.Load"/>, the equivalent of kubectl's --kubeconfig, --context, --namespace.</summary>
public sealed record KubeConfigLoadOptions
{
    /// <summary>An explicit kubeconfig path; KUBECONFIG and ~/.kube/config are then not read.</summary>
    public string? Path { get; init; }

    public string? Context { get; init; }

    public string? Namespace { get; init; }
}
