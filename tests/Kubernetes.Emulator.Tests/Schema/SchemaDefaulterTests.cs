using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using static MlOperator.Kubernetes.Emulator.Tests.Schema.SchemaFixtures;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class SchemaDefaulterTests
{
    private static readonly StructuralSchema Schema = ModelDeploymentSchema();

    [Theory]
    // absent fields get defaults, including a defaulted object whose own fields then default
    [InlineData("{}", """{"replicas":1,"strategy":"Canary","rollout":{"maxSurge":"25%"}}""")]
    // present values are kept
    [InlineData("""{"replicas":3,"strategy":"Recreate","rollout":{"maxSurge":2}}""", """{"replicas":3,"strategy":"Recreate","rollout":{"maxSurge":2}}""")]
    // a null in a non-nullable field with a default is replaced
    [InlineData("""{"replicas":null}""", """{"replicas":1,"strategy":"Canary","rollout":{"maxSurge":"25%"}}""")]
    // array items default field by field
    [InlineData("""{"rollout":{"steps":[{"weight":10},{"weight":20,"pause":"5m"}]}}""", """{"rollout":{"steps":[{"weight":10,"pause":"1m"},{"weight":20,"pause":"5m"}],"maxSurge":"25%"},"replicas":1,"strategy":"Canary"}""")]
    // additionalProperties values default too
    [InlineData("""{"env":{"A":{},"B":{"value":"b"}}}""", """{"env":{"A":{"value":"unset"},"B":{"value":"b"}},"replicas":1,"strategy":"Canary","rollout":{"maxSurge":"25%"}}""")]
    public void Applies_defaults_where_absent(string spec, string expectedSpec)
    {
        var obj = Resource(spec);
        obj["spec"]!.AsObject().Remove("model");

        SchemaDefaulter.Apply(obj, Schema);

        Assert.True(JsonNode.DeepEquals(Obj(expectedSpec), obj["spec"]), obj["spec"]!.ToJsonString());
    }

    [Fact]
    public void Leaves_objects_without_the_parent_alone()
    {
        var obj = Q("""{'apiVersion':'v1','kind':'X','metadata':{'name':'x'}}""");

        SchemaDefaulter.Apply(obj, Schema);

        Assert.False(obj.ContainsKey("spec"));
    }

    [Fact]
    public void Copies_defaults_so_objects_never_share_nodes()
    {
        var first = Resource("{}");
        var second = Resource("{}");

        SchemaDefaulter.Apply(first, Schema);
        SchemaDefaulter.Apply(second, Schema);
        first["spec"]!["rollout"]!["maxSurge"] = "50%";

        Assert.Equal("25%", second["spec"]!["rollout"]!["maxSurge"]!.GetValue<string>());
        Assert.Equal("25%", Schema.Properties["spec"].Properties["rollout"].Properties["maxSurge"].Default!.GetValue<string>());
    }

    [Fact]
    public void Keeps_null_in_a_nullable_field()
    {
        var schema = StructuralSchema.Parse(Q("""{'type':'object','properties':{'a':{'type':'string','nullable':true,'default':'x'}}}"""));
        var obj = Q("""{'a':null}""");

        SchemaDefaulter.Apply(obj, schema);

        Assert.True(JsonNode.DeepEquals(Q("""{'a':null}"""), obj));
    }
}
