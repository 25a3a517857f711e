using System.Reflection;
using System.Text.RegularExpressions;
using MlOperator.Inference.Sidecar.Options;

namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>
/// The MLOP_* environment contract is defined in the sidecar's Options/; the operator's pod builder must only set
/// variables the sidecar reads. Read from the operator's sources (any file but Hosting/, whose MLOP_* variables
/// configure the operator process itself), so the check survives its refactors.
/// </summary>
public sealed partial class ContractTests
{
    [Fact]
    public void Every_mlop_variable_the_operator_sets_is_one_the_sidecar_reads()
    {
        var known = typeof(SidecarOptions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Key", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        var operatorSources = Path.Combine(TestAssets.RepoRoot, "src", "Operator");
        var used = Directory.EnumerateFiles(operatorSources, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}Hosting{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => MlopLiteral().Matches(File.ReadAllText(file)).Select(m => (Name: m.Groups[1].Value, File: Path.GetFileName(file))))
            .ToArray();

        Assert.NotEmpty(used);
        var unknown = used.Where(u => !known.Contains(u.Name)).Select(u => $"{u.Name} ({u.File})").Distinct().ToArray();
        Assert.True(unknown.Length == 0, $"the operator sets variables the sidecar does not read: {string.Join(", ", unknown)}");
    }

    [GeneratedRegex("\"(MLOP_[A-Z0-9_]+)\"")]
    private static partial Regex MlopLiteral();
}
