namespace MlOperator.Operator.IntegrationTests.Fixtures;

public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Kubectl =>
        Environment.GetEnvironmentVariable("MLOP_KUBECTL") is { Length: > 0 } path ? path : Path.Combine(Root, ".tools", "bin", "kubectl");

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
