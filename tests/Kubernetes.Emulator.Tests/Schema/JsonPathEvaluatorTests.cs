using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using static MlOperator.Kubernetes.Emulator.Tests.Schema.SchemaFixtures;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class JsonPathEvaluatorTests
{
    private static readonly JsonObject Object = Q("""
        {'metadata':{'name':'x','labels':{'app.kubernetes.io/name':'web'}},
         'spec':{'model':{'name':'resnet'},'replicas':3,'tags':['a','b','c'],
                 'rollout':{'steps':[{'weight':10},{'weight':50},{'weight':100}]}},
         'status':{'conditions':[{'type':'Progressing','status':'True'},{'type':'Ready','status':'False','priority':2}],
                   'empty':null}}
        """);

    [Theory]
    [InlineData(".spec.model.name", "\"resnet\"")]
    [InlineData("{.spec.replicas}", "3")]
    [InlineData("$.spec.replicas", "3")]
    [InlineData("spec.replicas", "3")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "\"False\"")]
    [InlineData(".status.conditions[?(@.type=='Ready')].status", "\"False\"")]
    [InlineData(".status.conditions[?(@.type!=\"Ready\")].type", "\"Progressing\"")]
    [InlineData(".status.conditions[?(@.priority>1)].type", "\"Ready\"")]
    [InlineData(".status.conditions[?(@.priority)].type", "\"Ready\"")]
    [InlineData(".spec.rollout.steps[1].weight", "50")]
    [InlineData(".spec.rollout.steps[-1].weight", "100")]
    [InlineData(".spec.rollout.steps[*].weight", "10")]
    [InlineData(".spec.tags[1:]", "\"b\"")]
    [InlineData(".spec.tags", "[\"a\",\"b\",\"c\"]")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", "\"web\"")]
    [InlineData(".metadata.labels.app\\.kubernetes\\.io/name", "\"web\"")]
    [InlineData("..weight", "10")]
    [InlineData(".spec.model.*", "\"resnet\"")]
    public void Finds_the_first_match(string path, string expectedJson) =>
        Assert.Equal(expectedJson, JsonPathEvaluator.Evaluate(Object, path)!.ToJsonString());

    [Theory]
    [InlineData(".spec.missing")]
    [InlineData(".spec.model.name.deeper")]
    [InlineData(".spec.tags[7]")]
    [InlineData(".status.conditions[?(@.type==\"Gone\")].status")]
    [InlineData(".status.empty")]
    [InlineData(".spec[")]
    [InlineData(".spec[?(@.x==)]")]
    public void Returns_null_for_no_match_or_a_bad_path(string path) => Assert.Null(JsonPathEvaluator.Evaluate(Object, path));

    [Fact]
    public void Lists_every_match_in_order() =>
        Assert.Equal(["10", "50", "100"], JsonPathEvaluator.EvaluateAll(Object, ".spec.rollout.steps[*].weight").Select(n => n!.ToJsonString()));

    [Fact]
    public void Returns_a_copy_that_can_be_attached_elsewhere()
    {
        var result = JsonPathEvaluator.Evaluate(Object, ".spec.model")!;

        var holder = new JsonObject { ["model"] = result };

        Assert.Same(result, holder["model"]);
        Assert.Equal("resnet", Object["spec"]!["model"]!["name"]!.GetValue<string>());
    }
}
