using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using static MlOperator.Kubernetes.Emulator.Tests.Schema.SchemaFixtures;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class SchemaPrunerTests
{
    private static readonly StructuralSchema Schema = ModelDeploymentSchema();

    [Fact]
    public void Drops_unknown_fields_and_reports_their_paths()
    {
        var obj = Resource("""{"foo":1,"replicas":2,"rollout":{"steps":[{"weight":1,"bogus":true}]},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"}},"spec":{"a":"x","b":"y"},"extra":1}}""");
        obj["topLevel"] = "x";

        var pruned = SchemaPruner.Prune(obj, Schema);

        Assert.Equal(["spec.foo", "spec.rollout.steps[0].bogus", "spec.template.extra", "spec.template.spec.b", "topLevel"], pruned);
        var expected = Resource("""{"replicas":2,"rollout":{"steps":[{"weight":1}]},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"}},"spec":{"a":"x"}}}""");
        Assert.True(JsonNode.DeepEquals(expected, obj), obj.ToJsonString());
    }

    [Fact]
    public void Keeps_metadata_apiVersion_and_kind_at_the_root()
    {
        var obj = Resource("{}");
        obj["metadata"]!["unusual"] = "kept: metadata is the apiserver's business";

        Assert.Empty(SchemaPruner.Prune(obj, Schema));
        Assert.Equal("kept: metadata is the apiserver's business", obj["metadata"]!["unusual"]!.GetValue<string>());
    }

    [Fact]
    public void Keeps_preserved_subtrees_but_prunes_their_specified_children()
    {
        var obj = Resource("""{"extra":{"free":{"x":[1,2]},"known":{"a":"1","b":"2"}}}""");
        obj["status"] = Q("""{'anything':{'deep':true}}""");

        var pruned = SchemaPruner.Prune(obj, Schema);

        Assert.Equal(["spec.extra.known.b"], pruned);
        Assert.True(JsonNode.DeepEquals(Q("""{'free':{'x':[1,2]},'known':{'a':'1'}}"""), obj["spec"]!["extra"]));
        Assert.True(JsonNode.DeepEquals(Q("""{'anything':{'deep':true}}"""), obj["status"]));
    }

    [Fact]
    public void Keeps_map_entries_and_prunes_inside_their_values()
    {
        var obj = Resource("""{"labels":{"a":"1"},"env":{"A":{"value":"x","junk":1}}}""");

        var pruned = SchemaPruner.Prune(obj, Schema);

        Assert.Equal(["spec.env.A.junk"], pruned);
        Assert.Equal("1", obj["spec"]!["labels"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public void Drops_non_nullable_nulls_without_defaults_silently()
    {
        var obj = Resource("""{"startAt":null,"note":null,"replicas":null}""");

        Assert.Empty(SchemaPruner.Prune(obj, Schema));

        var spec = obj["spec"]!.AsObject();
        Assert.False(spec.ContainsKey("startAt"));
        Assert.True(spec.ContainsKey("note"));
        Assert.True(spec.ContainsKey("replicas"));
    }

    [Fact]
    public void Prunes_everything_under_an_object_without_properties()
    {
        var schema = StructuralSchema.Parse(Q("""{'type':'object','properties':{'o':{'type':'object'}}}"""));
        var obj = Q("""{'o':{'a':1,'b':{'c':2}}}""");

        Assert.Equal(["o.a", "o.b"], SchemaPruner.Prune(obj, schema));
        Assert.True(JsonNode.DeepEquals(Q("""{'o':{}}"""), obj));
    }

    [Fact]
    public void Prunes_a_non_string_kind_at_the_root()
    {
        var obj = Resource("{}");
        obj["kind"] = 5;
        var schema = StructuralSchema.Parse(Q("""{'type':'object','properties':{'spec':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}"""));

        Assert.Equal(["kind"], SchemaPruner.Prune(obj, schema));
    }

    [Fact]
    public void Treats_a_null_default_as_no_default_when_dropping_nulls()
    {
        var schema = StructuralSchema.Parse(Q("""{'type':'object','properties':{'a':{'type':'string','default':null},'b':{'type':'string','default':'x'}}}"""));
        var obj = Q("""{'a':null,'b':null}""");

        SchemaPruner.Prune(obj, schema);

        Assert.True(JsonNode.DeepEquals(Q("""{'b':null}"""), obj));
    }
}
