namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>
/// Which cluster the integration tests use, and the sentence that says why, in order: E2E_KUBECONFIG, then K3s when
/// a Docker daemon answers (or E2E_K3S=1 insists on it), then the in-process emulator. Never a silent skip: the
/// fixture announces <see cref="Reason"/>.
/// </summary>
public sealed record ClusterSelection(ClusterKind Kind, string Reason, string? Kubeconfig = null)
{
    public const string KubeconfigVariable = "E2E_KUBECONFIG";
    public const string K3sVariable = "E2E_K3S";

    private static readonly Lazy<ClusterSelection> Process = new(() =>
        Choose(Environment.GetEnvironmentVariable, () => DockerProbe.Answers(Environment.GetEnvironmentVariable("DOCKER_HOST"), TimeSpan.FromSeconds(2))));

    /// <summary>This test process's choice, made once (the fixture and <see cref="EmulatorFactAttribute"/> agree).</summary>
    public static ClusterSelection Current => Process.Value;

    /// <summary>
    /// What a test that starts its own real-pod emulator says about the cluster choice: its pods run the sidecar built
    /// here, which a real cluster cannot pull, so it never runs against <see cref="KubeconfigVariable"/> or K3s.
    /// </summary>
    public static string OwnEmulatorNotice => Current.Kind == ClusterKind.Emulator
        ? "runs on its own API emulator with real sidecar pods (processes of the sidecar built here)"
        : $"runs on its own API emulator with real sidecar pods, NOT on the selected cluster ({Current.Reason}): its pods run the sidecar built here, which a real cluster cannot pull";

    /// <param name="variable">The environment (a dictionary in tests).</param>
    /// <param name="dockerAnswers">Asked only when needed: whether a Docker daemon answers a ping.</param>
    public static ClusterSelection Choose(Func<string, string?> variable, Func<bool> dockerAnswers)
    {
        if (variable(KubeconfigVariable) is { Length: > 0 } kubeconfig)
        {
            return new(ClusterKind.Kubeconfig, $"integration tests run against the cluster in {KubeconfigVariable}={kubeconfig}", kubeconfig);
        }

        var k3s = variable(K3sVariable);
        if (k3s == "1")
        {
            return new(ClusterKind.K3s, $"{K3sVariable}=1: integration tests run against K3s in Docker (Testcontainers.K3s)");
        }

        if (k3s != "0" && dockerAnswers())
        {
            return new(ClusterKind.K3s, $"{KubeconfigVariable} is not set and a Docker daemon answers: integration tests run against K3s in Docker (Testcontainers.K3s)");
        }

        var why = k3s == "0" ? $"{K3sVariable}=0" : "no Docker daemon answers";
        return new(ClusterKind.Emulator, $"{KubeconfigVariable} is not set and {why}: integration tests run against the in-process API emulator");
    }
}
