namespace MlOperator.Operator.UnitTests.Fixtures;

/// <summary>The repository root, found by walking up from the test binaries to MlOperator.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

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
