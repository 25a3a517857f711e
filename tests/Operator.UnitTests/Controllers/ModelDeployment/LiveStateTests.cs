using System.Text.Json.Nodes;
using k8s.Models;
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
    public void A_typed_live_child_covers_what_was_applied_until_someone_edits_it()
    {
        static V1Deployment Deployment(int replicas, string memory) => new()
        {
            Metadata = new V1ObjectMeta { Name = "m", NamespaceProperty = "ns", Labels = new Dictionary<string, string> { ["app"] = "m" } },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container
                        {
                            Name = "sidecar",
                            Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(memory) } },
                        }],
                    },
                },
            },
        };

        var live = Deployment(2, "1Gi");
        live.Metadata.Uid = "u1";
        live.Metadata.ResourceVersion = "7";
        live.Metadata.Labels["added-by-someone-else"] = "x";
        live.Status = new V1DeploymentStatus { Replicas = 2, ReadyReplicas = 2 };

        Assert.True(LiveState.Covers(live, Deployment(2, "1024Mi")));
        Assert.False(LiveState.Covers(live, Deployment(3, "1Gi")));
        Assert.False(LiveState.Covers(live, Deployment(2, "2Gi")));
    }

    [Fact]
    public void A_missing_live_object_is_never_covered() =>
        Assert.False(LiveState.Covers(null, new k8s.Models.V1Service()));
}
