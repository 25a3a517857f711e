namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>
/// The sidecar's folders depend downwards only (STYLE.md): Options ← Inference ← Endpoints ← Hosting, and Fetch on Options alone. Read from the
/// sources, so a stray using fails here rather than in review.
/// </summary>
public sealed class LayeringTests
{
    private static string Source(string folder) => Path.Combine(TestAssets.RepoRoot, "src", "Inference.Sidecar", folder);

    public static readonly TheoryData<string, string> Forbidden = new()
    {
        { "Options", "MlOperator.Inference.Sidecar.Hosting" },
        { "Options", "MlOperator.Inference.Sidecar.Endpoints" },
        { "Inference", "MlOperator.Inference.Sidecar.Hosting" },
        { "Inference", "MlOperator.Inference.Sidecar.Endpoints" },
        { "Inference", "StatusCodes." },
        { "Inference", "Microsoft.AspNetCore" },
        { "Endpoints", "MlOperator.Inference.Sidecar.Hosting" },
        { "Fetch", "MlOperator.Inference.Sidecar.Hosting" },
        { "Fetch", "MlOperator.Inference.Sidecar.Endpoints" },
        { "Fetch", "MlOperator.Inference.Sidecar.Inference" },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void A_lower_layer_never_names_a_higher_one_or_http(string folder, string forbidden)
    {
        var offenders = Directory.EnumerateFiles(Source(folder), "*.cs", SearchOption.AllDirectories)
            .Where(file => File.ReadAllText(file).Contains(forbidden, StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(TestAssets.RepoRoot, file))
            .ToArray();
        Assert.True(offenders.Length == 0, $"{folder}/ mentions {forbidden} in: {string.Join(", ", offenders)}");
    }
}
