namespace MlOperator.Operator.Kube.Config;

/// <summary>
/// A kubeconfig <c>users[].user.exec</c> credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin …):
/// a command whose stdout is an ExecCredential carrying a bearer token.
/// </summary>
public sealed record KubeExecConfig
{
    /// <summary>The program; a relative path with a slash was resolved against the kubeconfig's directory, as client-go does.</summary>
    public required string Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>client.authentication.k8s.io/v1 or v1beta1.</summary>
    public string ApiVersion { get; init; } = "client.authentication.k8s.io/v1";

    /// <summary>Shown when the command cannot be started.</summary>
    public string? InstallHint { get; init; }

    /// <summary>Where it was configured, e.g. <c>~/.kube/config: users[0].user.exec</c>, for error messages.</summary>
    public string Source { get; init; } = "exec";
}
