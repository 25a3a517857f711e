using MlOperator.Kubernetes.Emulator.Patching;

namespace MlOperator.Kubernetes.Emulator.Tests.Patching;

public sealed class JsonMergePatchTests
{
    // The examples of RFC 7386 appendix A.
    [Theory]
    [InlineData("{'a':'b'}", "{'a':'c'}", "{'a':'c'}")]
    [InlineData("{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}")]
    [InlineData("{'a':'b'}", "{'a':null}", "{}")]
    [InlineData("{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}")]
    [InlineData("{'a':['b']}", "{'a':'c'}", "{'a':'c'}")]
    [InlineData("{'a':'c'}", "{'a':['b']}", "{'a':['b']}")]
    [InlineData("{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}")]
    [InlineData("{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}")]
    [InlineData("['a','b']", "['c','d']", "['c','d']")]
    [InlineData("{'a':'b'}", "['c']", "['c']")]
    [InlineData("{'a':'foo'}", "null", "null")]
    [InlineData("{'a':'foo'}", "'bar'", "'bar'")]
    [InlineData("{'e':null}", "{'a':1}", "{'e':null,'a':1}")]
    [InlineData("[1,2]", "{'a':'b','c':null}", "{'a':'b'}")]
    [InlineData("{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}")]
    public void Applies_the_RFC_7386_examples(string target, string patch, string expected)
    {
        var result = JsonMergePatch.Apply(PatchJson.Parse(target), PatchJson.Parse(patch));

        PatchJson.Equal(expected, result);
    }

    [Fact]
    public void Leaves_its_inputs_untouched()
    {
        var target = PatchJson.Object("{'spec':{'replicas':1,'paused':true}}");
        var patch = PatchJson.Object("{'spec':{'replicas':3,'paused':null}}");

        var result = JsonMergePatch.Apply(target, patch);

        PatchJson.Equal("{'spec':{'replicas':3}}", result);
        PatchJson.Equal("{'spec':{'replicas':1,'paused':true}}", target);
        PatchJson.Equal("{'spec':{'replicas':3,'paused':null}}", patch);
    }
}
