namespace MlOperator.Operator.Kube.Config;

/// <summary>
/// What config loading reads from the outside world, so tests can hand in fake environment variables and files.
/// </summary>
public interface IKubeConfigEnvironment
{
    string? GetEnvironmentVariable(string name);

    /// <summary>The user's home directory (for ~/.kube/config); null when unknown.</summary>
    string? HomeDirectory { get; }

    bool FileExists(string path);

    string ReadAllText(string path);
}
