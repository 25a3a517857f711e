using System.Text.Json.Nodes;
using MlOperator.Operator.Controllers.ModelDeployment;

namespace MlOperator.Operator.UnitTests.Controllers.ModelDeployment;

public class LiveStateTests
{
    [Theory]
    [InlineData("""{"a":1,"b":{"c":"x"}}""", """{"a":1}""", true)]
    [InlineData("""{"a":1,"extra":true}""", """{"a":1,"b":null}""", true)]
    [InlineData("""{"a":2}""", """{"a":1}""", false)]
    [InlineData("""{"b":{"c":"x"}}""", """{"b":{"c":"y"}}""", false)]
    [InlineData("""{}""", """{"a":1}""", false)]
    [InlineData("""{"l":[{"n":"a","x":1},{"n":"b"}]}""", """{"l":[{"n":"a"},{"n":"b"}]}""", true)]
    [InlineData("""{"l":[{"n":"a"},{"n":"b"}]}""", """{"l":[{"n":"a"}]}""", false)]
    [InlineData("""{"l":[{"n":"b"},{"n":"a"}]}""", """{"l":[{"n":"a"},{"n":"b"}]}""", false)]
    public void Covers_when_every_desired_field_is_live_with_the_same_value(string live, string desired, bool covers) =>
        Assert.Equal(covers, LiveState.Covers(JsonNode.Parse(live), JsonNode.Parse(desired)));

    [Theory]
    [InlineData("1Gi", "1024Mi", true)]
    [InlineData("500m", "0.5", true)]
    [InlineData("1", "1000m", true)]
    [InlineData("2Gi", "1Gi", false)]
    public void Compares_quantities_by_value_because_the_server_canonicalises_them(string live, string desired, bool covers) =>
        Assert.Equal(covers, LiveState.Covers(
            new JsonObject { ["memory"] = live }, new JsonObject { ["memory"] = desired }));

    [Fact]
    public void A_missing_live_object_is_never_covered() =>
        Assert.False(LiveState.Covers(null, new k8s.Models.V1Service()));
}
