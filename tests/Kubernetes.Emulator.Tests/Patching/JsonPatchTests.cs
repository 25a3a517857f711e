using MlOperator.Kubernetes.Emulator.Patching;

namespace MlOperator.Kubernetes.Emulator.Tests.Patching;

public sealed class JsonPatchTests
{
    // RFC 6902 appendix A, plus copy and the root document.
    [Theory]
    [InlineData("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]", "{'baz':'qux','foo':'bar'}")]
    [InlineData("{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]", "{'foo':['bar','qux','baz']}")]
    [InlineData("{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}")]
    [InlineData("{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]", "{'foo':['bar','baz']}")]
    [InlineData("{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]", "{'baz':'boo','foo':'bar'}")]
    [InlineData(
        "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
        "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
        "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}")]
    [InlineData("{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]", "{'foo':['all','cows','eat','grass']}")]
    [InlineData("{'baz':'qux','foo':['a',2,'c']}", "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]", "{'baz':'qux','foo':['a',2,'c']}")]
    [InlineData("{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]", "{'foo':'bar','child':{'grandchild':{}}}")]
    [InlineData("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux','xyz':123}]", "{'foo':'bar','baz':'qux'}")]
    [InlineData("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}")]
    [InlineData("{'/':9,'~1':10}", "[{'op':'replace','path':'/~1','value':1}]", "{'/':1,'~1':10}")]
    [InlineData("{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]", "{'foo':['bar',['abc','def']]}")]
    [InlineData("{'a':{'b':1}}", "[{'op':'copy','from':'/a','path':'/c'},{'op':'replace','path':'/c/b','value':2}]", "{'a':{'b':1},'c':{'b':2}}")]
    [InlineData("{'a':1}", "[{'op':'add','path':'','value':{'b':2}}]", "{'b':2}")]
    [InlineData("{'a':null}", "[{'op':'test','path':'/a','value':null},{'op':'replace','path':'/a','value':0}]", "{'a':0}")]
    [InlineData("{'spec':{'replicas':1.0}}", "[{'op':'test','path':'/spec/replicas','value':1}]", "{'spec':{'replicas':1}}")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/2','value':3}]", "{'a':[1,2,3]}")]
    [InlineData("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a'}]", "{'a':{'b':1}}")]
    public void Applies_the_RFC_6902_examples(string document, string patch, string expected)
    {
        var result = JsonPatch.Apply(PatchJson.Parse(document)!, PatchJson.Array(patch));

        PatchJson.Equal(expected, result);
    }

    [Theory]
    [InlineData("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", "testing value /baz failed: test failed")]
    [InlineData("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]", "testing value /~01 failed: test failed")]
    [InlineData("{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]", "add operation does not apply: doc is missing path: \"/baz/bat\": missing value")]
    [InlineData("{'foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "remove operation does not apply: doc is missing path: \"/baz\": missing value")]
    [InlineData("{'foo':'bar'}", "[{'op':'replace','path':'/baz','value':1}]", "replace operation does not apply: doc is missing key: /baz: missing value")]
    [InlineData("{'foo':'bar'}", "[{'op':'move','from':'/nope','path':'/baz'}]", "move operation does not apply: doc is missing from path: /nope: missing value")]
    [InlineData("{'foo':'bar'}", "[{'op':'copy','from':'/nope','path':'/baz'}]", "copy operation does not apply: doc is missing from path: /nope: missing value")]
    [InlineData("{'a':[1]}", "[{'op':'add','path':'/a/5','value':2}]", "add operation does not apply: Unable to access invalid index: 5: invalid index referenced")]
    [InlineData("{'a':[1,2]}", "[{'op':'remove','path':'/a/01'}]", "remove operation does not apply: doc is missing path: \"/a/01\": missing value")]
    [InlineData("{'a':{'b':{}}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", "move operation does not apply: cannot move /a into its own child /a/b/c")]
    [InlineData("{'a':1}", "[{'op':'frobnicate','path':'/a'}]", "Unexpected kind: frobnicate")]
    [InlineData("{'a':1}", "[{'path':'/a'}]", "Unexpected kind: missing \"op\"")]
    [InlineData("{'a':1}", "[{'op':'add','value':1}]", "add operation does not apply: operation missing path field")]
    [InlineData("{'a':1}", "[{'op':'add','path':'/b'}]", "add operation does not apply: missing value")]
    [InlineData("{'a':1}", "[{'op':'add','path':'b','value':1}]", "invalid JSON pointer b: must be empty or start with '/'")]
    [InlineData("{'a':1}", "[1]", "json patch operation must be an object")]
    public void A_failing_operation_is_a_422_with_a_kube_like_message(string document, string patch, string message)
    {
        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(PatchJson.Parse(document)!, PatchJson.Array(patch)));

        Assert.Equal(422, error.StatusCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_failed_test_leaves_the_document_untouched()
    {
        var document = PatchJson.Object("{'spec':{'replicas':1}}");

        Assert.Throws<PatchException>(() => JsonPatch.Apply(document, PatchJson.Array(
            "[{'op':'replace','path':'/spec/replicas','value':5},{'op':'test','path':'/spec/replicas','value':1}]")));

        PatchJson.Equal("{'spec':{'replicas':1}}", document);
    }
}
