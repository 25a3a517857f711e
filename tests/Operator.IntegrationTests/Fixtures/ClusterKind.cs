namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>What the integration tests run against.</summary>
public enum ClusterKind
{
    /// <summary>The cluster of the kubeconfig in E2E_KUBECONFIG.</summary>
    Kubeconfig,

    /// <summary>A throw-away K3s in Docker, through Testcontainers.K3s.</summary>
    K3s,

    /// <summary>The in-process Kubernetes API emulator.</summary>
    Emulator,
}
