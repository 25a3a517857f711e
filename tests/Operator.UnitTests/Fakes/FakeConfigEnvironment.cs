using MlOperator.Operator.Kube.Config;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>Environment variables and files in memory, for kubeconfig and in-cluster loading tests.</summary>
public sealed class FakeConfigEnvironment : IKubeConfigEnvironment
{
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public string? HomeDirectory { get; set; } = "/home/dev";

    public FakeConfigEnvironment With(string path, string content)
    {
        Files[path] = content;
        return this;
    }

    public FakeConfigEnvironment WithVariable(string name, string value)
    {
        Variables[name] = value;
        return this;
    }

    public string? GetEnvironmentVariable(string name) => Variables.GetValueOrDefault(name);

    public bool FileExists(string path) => Files.ContainsKey(path);

    public string ReadAllText(string path) =>
        Files.TryGetValue(path, out var text) ? text : throw new FileNotFoundException($"Could not find file '{path}'.", path);
}
