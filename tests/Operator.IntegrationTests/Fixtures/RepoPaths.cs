namespace MlOperator.Operator.IntegrationTests.Fixtures;

public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Kubectl =>
        Environment.GetEnvironmentVariable("MLOP_KUBECTL") is { Length: > 0 } path ? path : Path.Combine(Root, ".tools", "bin", "kubectl");

    /// <summary>
    /// A project's build output under src/, in this test project's configuration: its ProjectReference built it
    /// (the sidecar the emulator's real pods run, the operator run as a process of its own).
    /// </summary>
    public static string Built(string project, string assembly)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(Root, "src", project, "bin", configuration, "net10.0", assembly);
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MlOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
