using System.Text.RegularExpressions;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Architecture;

/// <summary>
/// The layering STYLE.md asks for, checked on the source: pure folders never reach the API client, the runtime or
/// controllers, and the sidecar never references the operator.
/// </summary>
public partial class LayeringTests
{
    [Theory]
    [InlineData("Resources")]
    [InlineData("Quota")]
    [InlineData("Accelerators")]
    [InlineData("Api")]
    [InlineData("Rollout")]
    public void Pure_folders_do_no_io_and_know_no_client_runtime_or_controller(string folder)
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "Operator", folder), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file)
                .Where(line => ForbiddenUsing().IsMatch(line))
                .Select(line => $"{Path.GetRelativePath(RepoPaths.Root, file)}: {line.Trim()}"))
            .ToList();

        Assert.True(offenders.Count == 0, "pure code reaches I/O layers:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void The_sidecar_does_not_reference_the_operator()
    {
        var project = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Inference.Sidecar", "Inference.Sidecar.csproj"));

        Assert.DoesNotContain(@"Operator\Operator.csproj", project.Replace('/', '\\'));
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?MlOperator\.Operator\.(Kube\.Client|Kube\.Config|Runtime|Controllers|Hosting)\b|System\.Net\.Http|HttpClient|File\.(Read|Write|Open)")]
    private static partial Regex ForbiddenUsing();
}
