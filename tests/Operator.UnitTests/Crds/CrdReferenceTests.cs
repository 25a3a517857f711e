using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Crds;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Crds;

public class CrdReferenceTests
{
    private static string Generated() => CrdReference.Markdown(CrdGenerator.Build(typeof(ModelDeployment), XmlDocs.Load(typeof(ModelDeployment).Assembly)));

    [Fact]
    public void The_committed_field_reference_matches_the_CRD_schema()
    {
        var committed = Path.Combine(RepoPaths.Root, "docs", "modeldeployment-reference.md");
        if (Environment.GetEnvironmentVariable("CRD_REGENERATE") == "1")
        {
            File.WriteAllText(committed, Generated());
        }

        Assert.True(File.Exists(committed), $"{committed} is missing: run CRD_REGENERATE=1 dotnet test tests/Operator.UnitTests --filter CrdReference");
        Assert.True(File.ReadAllText(committed) == Generated(),
            $"{committed} drifted from the CRD: run `CRD_REGENERATE=1 dotnet test tests/Operator.UnitTests --filter CrdReference` and commit it");
    }

    [Fact]
    public void Lists_nested_fields_with_types_defaults_constraints_and_rules()
    {
        var reference = Generated();

        Assert.Contains("| `spec.model.version` (required) | string |", reference);
        Assert.Contains("| `spec.rollout.steps[].weight` (required) | integer |  | ≥ 1; ≤ 100 |", reference);
        Assert.Contains("| `spec.rollout.strategy` | string | `\"Canary\"` | one of `Canary`, `Recreate` |", reference);
        Assert.Contains("| `spec.rollout.analysis.interval` | integer or string | `\"30s\"` |", reference);
        Assert.Contains("- `spec.rollout`: spec.rollout.steps weights must be strictly increasing", reference);
        Assert.Contains("| `status.canary.weight` | integer |", reference);
    }
}
