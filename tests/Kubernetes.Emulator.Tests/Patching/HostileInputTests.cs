using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Patching;

namespace MlOperator.Kubernetes.Emulator.Tests.Patching;

/// <summary>Whatever a client sends, the engines answer with a result or a PatchException, never another exception.</summary>
public sealed class HostileInputTests
{
    private static readonly MergeKeys Keys = MergeKeys.ForBuiltIn("apps", "Deployment");

    public static TheoryData<string> Documents => new()
    {
        "{}",
        "{'metadata':'not-an-object','spec':7}",
        "{'metadata':{'managedFields':'junk','finalizers':[{'a':1},null,3]}}",
        "{'metadata':{'managedFields':[{'manager':5},{'manager':'m','fieldsV1':'x'},{'manager':'m','fieldsV1':{'k:{bad':{'f:x':7}}}]}}",
        "{'spec':{'template':{'spec':{'containers':[null,1,'x',{'name':null},{'name':{'nested':1}},{'name':'a'},{'name':'a'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':{'name':'not-a-list'}}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'a','ports':[{'containerPort':'80'},{'containerPort':80.0},{'containerPort':1e400}]}]}}}}",
        "{'spec':{'selector':[1,2],'$patch':'delete'}}",
        "{'spec':{'$patch':5,'$retainKeys':[1],'$setElementOrder/x':[null],'$deleteFromPrimitiveList/y':[{}]}}",
        "{'metadata':{'$setElementOrder/finalizers':[{'a':1}],'finalizers':[['nested']]}}",
        "{'spec':{'template':{'spec':{'containers':[{'$patch':'delete'},{'$patch':'replace','name':'x'},{'name':'y','$patch':null}]}}}}",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Strategic_merge_patch_either_applies_or_throws_PatchException(string document)
    {
        var original = PatchJson.Object("{'metadata':{'name':'w','finalizers':['a']},'spec':{'template':{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80}]}]}}}}");

        OnlyPatchExceptions(() => StrategicMergePatch.Apply(original, PatchJson.Object(document), Keys));
        OnlyPatchExceptions(() => StrategicMergePatch.Apply(PatchJson.Object(document), original, Keys));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Server_side_apply_either_applies_or_throws_PatchException(string document)
    {
        var live = PatchJson.Object(document);
        var now = DateTimeOffset.UnixEpoch;

        OnlyPatchExceptions(() => ServerSideApply.Apply(live, PatchJson.Object("{'spec':{'replicas':1}}"), "m", false, null, Keys, now));
        OnlyPatchExceptions(() => ServerSideApply.Apply(null, PatchJson.Object(document), "m", false, null, Keys, now));
        OnlyPatchExceptions(() => ServerSideApply.Apply(live, PatchJson.Object(document), "m", true, "status", Keys, now));
        OnlyPatchExceptions(() => ServerSideApply.RecordUpdate(live, PatchJson.Object("{'spec':{'replicas':1}}"), "m", null, Keys, now));
        OnlyPatchExceptions(() => ServerSideApply.RecordUpdate(PatchJson.Object("{'spec':{'replicas':1}}"), live, "m", null, Keys, now));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Merge_patches_never_throw(string document)
    {
        var result = JsonMergePatch.Apply(PatchJson.Object("{'a':1}"), PatchJson.Object(document));

        Assert.NotNull(result);
    }

    [Theory]
    [InlineData("[{'op':'add','path':'/a/b/c/d','value':1}]")]
    [InlineData("[{'op':'replace','path':'/metadata/0','value':1}]")]
    [InlineData("[{'op':'remove','path':''}]")]
    [InlineData("[{'op':'move','from':'','path':'/x'}]")]
    [InlineData("[{'op':'copy','from':'/metadata','path':'/metadata/copy'}]")]
    [InlineData("[{'op':'add','path':'/list/99999999999','value':1}]")]
    [InlineData("[{'op':'add','path':'/list/-1','value':1}]")]
    [InlineData("[{'op':'test','path':'/list/-','value':1}]")]
    [InlineData("[{'op':7,'path':'/a'}]")]
    [InlineData("[{'op':'add','path':7,'value':1}]")]
    [InlineData("[{'op':'replace','path':'','value':null}]")]
    [InlineData("[null]")]
    public void Json_patch_either_applies_or_throws_PatchException(string operations)
    {
        OnlyPatchExceptions(() => JsonPatch.Apply(PatchJson.Object("{'metadata':{'name':'x'},'list':[1]}"), PatchJson.Array(operations)));
    }

    [Fact]
    public void Hostile_schemas_do_not_break_merge_keys()
    {
        var deep = new JsonObject { ["type"] = "object" };
        var cursor = deep;
        for (var i = 0; i < 500; i++)
        {
            var child = new JsonObject { ["type"] = "object" };
            cursor["properties"] = new JsonObject { ["x"] = child };
            cursor = child;
        }

        var keys = MergeKeys.FromSchema(PatchJson.Object(
            "{'properties':{'a':'string','b':{'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':'name'},'c':{'items':[1]},'d':{'x-kubernetes-list-type':7}}}"));

        Assert.Null(keys.KeysFor(["b"]));
        Assert.Null(MergeKeys.FromSchema(deep).KeysFor(["x"]));
    }

    private static void OnlyPatchExceptions(Action action)
    {
        try
        {
            action();
        }
        catch (PatchException)
        {
        }
        catch (ApplyConflictException)
        {
        }
    }
}
