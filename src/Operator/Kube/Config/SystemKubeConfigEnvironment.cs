namespace MlOperator.Operator.Kube.Config;

/// <summary>The real process environment and file system.</summary>
public sealed class SystemKubeConfigEnvironment : IKubeConfigEnvironment
{
    public static SystemKubeConfigEnvironment Instance { get; } = new();

    public string? GetEnvironmentVariable(string name) => Environment.GetEnvironmentVariable(name);

    public string? HomeDirectory =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home
            ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } profile ? profile : null;

    public bool FileExists(string path) => File.Exists(path);

    public string ReadAllText(string path) => File.ReadAllText(path);
}
