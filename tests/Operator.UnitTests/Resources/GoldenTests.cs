using System.Text.Json;
using System.Text.Json.Nodes;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Resources;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Resources;

/// <summary>
/// The children each shipped sample produces, pinned as JSON. After an intended builder change regenerate with
/// <c>GOLDEN_REGENERATE=1 dotnet test tests/Operator.UnitTests --filter GoldenTests</c> and review the diff.
/// </summary>
public class GoldenTests
{
    public static TheoryData<string> SampleNames => new(Samples.ModelDeploymentNames);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Sample_builds_the_pinned_children(string sample)
    {
        var md = Samples.Load(sample);
        Assert.Empty(ModelDeploymentValidator.Validate(md));

        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, ModelDeploymentDefaults.Default);
        var json = Render(desired);

        var golden = Path.Combine(RepoPaths.Root, "tests", "Operator.UnitTests", "Resources", "golden", sample + ".json");
        if (Environment.GetEnvironmentVariable("GOLDEN_REGENERATE") == "1")
        {
            File.WriteAllText(golden, json);
        }

        Assert.True(File.Exists(golden), $"{golden} missing: GOLDEN_REGENERATE=1 dotnet test tests/Operator.UnitTests --filter GoldenTests");
        Assert.Equal(File.ReadAllText(golden), json);
    }

    internal static string Render(DesiredState desired)
    {
        var array = new JsonArray();
        foreach (var obj in desired.Objects)
        {
            array.Add(JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options));
        }

        var status = new JsonObject { ["selector"] = desired.Selector, ["url"] = desired.Url };
        var root = new JsonObject { ["status"] = status, ["objects"] = array };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
