using System.Text.Encodings.Web;
using System.Text.Json;
using MlOperator.Kubernetes.Emulator.Patching;

namespace MlOperator.Kubernetes.Emulator.Tests.Patching;

public sealed class FieldSetTests
{
    private const char Sep = FieldSet.Separator;

    [Theory]
    [InlineData("f:spec|f:replicas", ".spec.replicas")]
    [InlineData("f:spec|f:template|f:spec|f:containers|k:{\"name\":\"app\"}|f:image", ".spec.template.spec.containers[name=\"app\"].image")]
    [InlineData("f:spec|f:ports|k:{\"containerPort\":80,\"protocol\":\"TCP\"}", ".spec.ports[containerPort=80,protocol=\"TCP\"]")]
    [InlineData("f:metadata|f:finalizers|v:\"example.com/f\"", ".metadata.finalizers[=\"example.com/f\"]")]
    [InlineData("f:spec|f:args|i:2", ".spec.args[2]")]
    public void Describes_paths_like_kube(string path, string expected)
    {
        Assert.Equal(expected, FieldSet.Describe(path.Replace('|', Sep)));
    }

    [Fact]
    public void FieldsV1_puts_the_dot_first_and_round_trips()
    {
        var set = new FieldSet(new[]
        {
            "f:spec|f:containers|k:{\"name\":\"b\"}",
            "f:spec|f:containers|k:{\"name\":\"b\"}|f:name",
            "f:spec|f:containers|k:{\"name\":\"a\"}",
            "f:spec|f:replicas",
            "f:metadata|f:labels",
            "f:metadata|f:labels|f:app",
        }.Select(p => p.Replace('|', Sep)));

        var fields = set.ToFieldsV1();

        Assert.Equal(
            """{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{},"k:{\"name\":\"b\"}":{".":{},"f:name":{}}},"f:replicas":{}}}""",
            fields.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.True(FieldSet.FromFieldsV1(fields).SetEquals(set));
    }

    [Fact]
    public void Reading_junk_managed_fields_does_not_throw()
    {
        var set = FieldSet.FromFieldsV1(PatchJson.Object("{'f:spec':{'k:{not json':{}},'.':{},'f:x':1}"));

        Assert.Equal("[{not json]", FieldSet.Describe($"k:{{not json"));
        Assert.True(set.Contains($"f:spec{Sep}k:{{not json"));
        Assert.True(set.Contains("f:x"));
    }

    [Fact]
    public void Apply_merges_list_maps_keeping_live_only_items_in_place()
    {
        var keys = MergeKeys.ForBuiltIn("", "Pod");
        var live = PatchJson.Parse("[{'name':'a','image':'1'},{'name':'b'},{'name':'c'}]");
        var applied = PatchJson.Parse("[{'name':'c','image':'3'},{'name':'d'},{'name':'a','image':'2'}]");

        var merged = ObjectFields.Merge(live, applied, ["spec", "containers"], keys);

        PatchJson.Equal("[{'name':'b'},{'name':'c','image':'3'},{'name':'d'},{'name':'a','image':'2'}]", merged);
    }

    [Fact]
    public void Apply_merges_sets_as_a_union()
    {
        var keys = MergeKeys.ForBuiltIn("", "Pod");

        var merged = ObjectFields.Merge(PatchJson.Parse("['x','y']"), PatchJson.Parse("['z','x']"), ["metadata", "finalizers"], keys);

        PatchJson.Equal("['z','x','y']", merged);
    }

    [Fact]
    public void Compare_reports_added_modified_and_removed_fields()
    {
        var keys = MergeKeys.ForBuiltIn("apps", "Deployment");
        var before = PatchJson.Object("{'spec':{'replicas':1,'paused':true,'template':{'spec':{'containers':[{'name':'a','image':'1'},{'name':'old'}]}}}}");
        var after = PatchJson.Object("{'spec':{'replicas':2,'minReadySeconds':3,'template':{'spec':{'containers':[{'name':'a','image':'1'},{'name':'new'}]}}}}");

        var comparison = ObjectFields.Compare(before, after, keys);

        static string[] Described(FieldSet set) => set.Paths.Select(FieldSet.Describe).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([".spec.replicas"], Described(comparison.Modified));
        Assert.Equal(
            [".spec.minReadySeconds", ".spec.template.spec.containers[name=\"new\"]", ".spec.template.spec.containers[name=\"new\"].name"],
            Described(comparison.Added));
        Assert.Equal(
            [".spec.paused", ".spec.template.spec.containers[name=\"old\"]", ".spec.template.spec.containers[name=\"old\"].name"],
            Described(comparison.Removed));
    }

    [Fact]
    public void Unowned_metadata_never_enters_a_field_set()
    {
        var obj = PatchJson.Object("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','namespace':'d','uid':'u','resourceVersion':'1','generation':1,'creationTimestamp':'t','managedFields':[],'labels':{'a':'b'}},'data':{'k':'v'}}");

        var set = ObjectFields.ToFieldSet(obj, MergeKeys.ForBuiltIn("", "ConfigMap"));

        Assert.Equal([".data.k", ".metadata.labels.a"], set.Paths.Select(FieldSet.Describe).Order(StringComparer.Ordinal));
    }
}
