using MlOperator.Kubernetes.Emulator.Patching;

namespace MlOperator.Kubernetes.Emulator.Tests.Patching;

public sealed class StrategicMergePatchTests
{
    private static readonly MergeKeys PodKeys = MergeKeys.ForBuiltIn("", "Pod");

    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "null deletes a field, maps merge recursively",
            "{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'restartPolicy':'Always'}}",
            "{'metadata':{'labels':{'a':null,'c':'3'}}}",
            "{'metadata':{'labels':{'b':'2','c':'3'}},'spec':{'restartPolicy':'Always'}}"
        },
        {
            "containers merge by name, server-only items keep their place",
            "{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b','image':'b:1'}]}}",
            "{'spec':{'containers':[{'name':'b','image':'b:2'}]}}",
            "{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b','image':'b:2'}]}}"
        },
        {
            "a new item goes before server-only items, as kube does",
            "{'spec':{'containers':[{'name':'a'}]}}",
            "{'spec':{'containers':[{'name':'c'}]}}",
            "{'spec':{'containers':[{'name':'c'},{'name':'a'}]}}"
        },
        {
            "the patch order wins over the live order (kube vector)",
            "{'spec':{'containers':[{'name':'1'},{'name':'2','image':'b'},{'name':'3'}]}}",
            "{'spec':{'containers':[{'name':'3','image':'c'},{'name':'1','image':'a'},{'name':'2','args':['x']}]}}",
            "{'spec':{'containers':[{'name':'3','image':'c'},{'name':'1','image':'a'},{'name':'2','image':'b','args':['x']}]}}"
        },
        {
            "server-only items stay before later patch items (kube vector 2)",
            "{'spec':{'containers':[{'name':'1'},{'name':'2','image':'b'},{'name':'3'}]}}",
            "{'spec':{'containers':[{'name':'3','image':'c'},{'name':'1','image':'a'}]}}",
            "{'spec':{'containers':[{'name':'2','image':'b'},{'name':'3','image':'c'},{'name':'1','image':'a'}]}}"
        },
        {
            "nested lists merge by their own keys: env by name, ports by containerPort, volumeMounts by mountPath",
            "{'spec':{'containers':[{'name':'app','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],'ports':[{'containerPort':80,'name':'http'}],'volumeMounts':[{'mountPath':'/m','name':'v'}]}]}}",
            "{'spec':{'containers':[{'name':'app','env':[{'name':'B','value':'3'}],'ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':9090}],'volumeMounts':[{'mountPath':'/m','readOnly':true}]}]}}",
            "{'spec':{'containers':[{'name':'app','env':[{'name':'A','value':'1'},{'name':'B','value':'3'}],'ports':[{'containerPort':80,'name':'http','protocol':'TCP'},{'containerPort':9090}],'volumeMounts':[{'mountPath':'/m','name':'v','readOnly':true}]}]}}"
        },
        {
            "$patch: delete removes the list item with that key (every duplicate)",
            "{'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'a'}]}}",
            "{'spec':{'containers':[{'name':'a','$patch':'delete'}]}}",
            "{'spec':{'containers':[{'name':'b'}]}}"
        },
        {
            "$patch: replace in a list replaces it with the other patch items",
            "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
            "{'spec':{'containers':[{'name':'x','image':'x:1'},{'$patch':'replace'}]}}",
            "{'spec':{'containers':[{'name':'x','image':'x:1'}]}}"
        },
        {
            "$patch: replace alone empties a list",
            "{'spec':{'containers':[{'name':'a'}]}}",
            "{'spec':{'containers':[{'$patch':'replace'}]}}",
            "{'spec':{'containers':[]}}"
        },
        {
            "$patch: merge in a list item is the default merge",
            "{'spec':{'containers':[{'name':'a','image':'a:1','args':['x']}]}}",
            "{'spec':{'containers':[{'name':'a','image':'a:2','$patch':'merge'}]}}",
            "{'spec':{'containers':[{'name':'a','image':'a:2','args':['x']}]}}"
        },
        {
            "$patch: replace in a map replaces the map",
            "{'metadata':{'labels':{'a':'1','b':'2'}}}",
            "{'metadata':{'labels':{'c':'3','$patch':'replace'}}}",
            "{'metadata':{'labels':{'c':'3'}}}"
        },
        {
            "$patch: delete in a map empties it",
            "{'metadata':{'labels':{'a':'1'}}}",
            "{'metadata':{'labels':{'$patch':'delete'}}}",
            "{'metadata':{'labels':{}}}"
        },
        {
            "$patch: merge in a map is the default merge",
            "{'metadata':{'labels':{'a':'1'}}}",
            "{'metadata':{'labels':{'b':'2','$patch':'merge'}}}",
            "{'metadata':{'labels':{'a':'1','b':'2'}}}"
        },
        {
            "$patch: replace at the top replaces the whole object",
            "{'metadata':{'name':'p'},'spec':{'a':1}}",
            "{'$patch':'replace','metadata':{'name':'q'}}",
            "{'metadata':{'name':'q'}}"
        },
        {
            "$retainKeys clears the fields it does not list",
            "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
            "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
            "{'spec':{'strategy':{'type':'Recreate'}}}"
        },
        {
            "$retainKeys on volumes swaps the volume source",
            "{'spec':{'volumes':[{'name':'v','emptyDir':{}}]}}",
            "{'spec':{'volumes':[{'name':'v','$retainKeys':['configMap','name'],'configMap':{'name':'cm'}}]}}",
            "{'spec':{'volumes':[{'name':'v','configMap':{'name':'cm'}}]}}"
        },
        {
            "$setElementOrder orders the merged list",
            "{'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}}",
            "{'spec':{'$setElementOrder/containers':[{'name':'c'},{'name':'a'},{'name':'b'}],'containers':[{'name':'a','image':'a:2'}]}}",
            "{'spec':{'containers':[{'name':'c'},{'name':'a','image':'a:2'},{'name':'b'}]}}"
        },
        {
            "$setElementOrder with a delete (what kubectl apply sends when a container is removed)",
            "{'spec':{'containers':[{'name':'app','image':'app:1'},{'name':'sidecar'}]}}",
            "{'spec':{'$setElementOrder/containers':[{'name':'app'}],'containers':[{'name':'app','image':'app:2'},{'name':'sidecar','$patch':'delete'}]}}",
            "{'spec':{'containers':[{'name':'app','image':'app:2'}]}}"
        },
        {
            "$setElementOrder alone reorders a primitive set",
            "{'metadata':{'finalizers':['1','3']}}",
            "{'metadata':{'$setElementOrder/finalizers':['3','2','1']}}",
            "{'metadata':{'finalizers':['3','1']}}"
        },
        {
            "$deleteFromPrimitiveList removes values from a set",
            "{'metadata':{'finalizers':['x','y','z']}}",
            "{'metadata':{'$deleteFromPrimitiveList/finalizers':['y','nope']}}",
            "{'metadata':{'finalizers':['x','z']}}"
        },
        {
            "finalizers merge as a set without duplicates",
            "{'metadata':{'finalizers':['1','2']}}",
            "{'metadata':{'finalizers':['2','3']}}",
            "{'metadata':{'finalizers':['1','2','3']}}"
        },
        {
            "a set keeps the patch order (kube vector)",
            "{'metadata':{'finalizers':['1','2','3']}}",
            "{'metadata':{'finalizers':['3','1']}}",
            "{'metadata':{'finalizers':['2','3','1']}}"
        },
        {
            "primitive lists without a strategy are replaced",
            "{'spec':{'containers':[{'name':'a','args':['x','y']}]}}",
            "{'spec':{'containers':[{'name':'a','args':['z']}]}}",
            "{'spec':{'containers':[{'name':'a','args':['z']}]}}"
        },
        {
            "atomic lists of maps (tolerations) are replaced",
            "{'spec':{'tolerations':[{'key':'a','operator':'Exists'}]}}",
            "{'spec':{'tolerations':[{'key':'b','operator':'Exists'}]}}",
            "{'spec':{'tolerations':[{'key':'b','operator':'Exists'}]}}"
        },
        {
            "ownerReferences merge by uid",
            "{'metadata':{'ownerReferences':[{'uid':'1','name':'a'}]}}",
            "{'metadata':{'ownerReferences':[{'uid':'2','name':'b'}]}}",
            "{'metadata':{'ownerReferences':[{'uid':'2','name':'b'},{'uid':'1','name':'a'}]}}"
        },
        {
            "status conditions merge by type",
            "{'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'Scheduled','status':'True'}]}}",
            "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
            "{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'Scheduled','status':'True'}]}}"
        },
        {
            "directives inside values the original lacks are evaluated, not stored",
            "{'metadata':{'name':'p'}}",
            "{'spec':{'containers':[{'name':'a'},{'name':'b','$patch':'delete'}],'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
            "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'}],'strategy':{'type':'Recreate'}}}"
        },
        {
            "a value of another type replaces the old one",
            "{'spec':{'x':{'a':1}}}",
            "{'spec':{'x':[1]}}",
            "{'spec':{'x':[1]}}"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applies_strategic_merge_patches(string description, string original, string patch, string expected)
    {
        var result = StrategicMergePatch.Apply(PatchJson.Object(original), PatchJson.Object(patch), PodKeys);

        Assert.NotNull(description);
        PatchJson.Equal(expected, result);
    }

    [Fact]
    public void Deployment_pod_template_containers_merge_by_name()
    {
        var original = PatchJson.Object("{'spec':{'replicas':1,'template':{'spec':{'containers':[{'name':'app','image':'app:1'},{'name':'sidecar','image':'s:1'}]}}}}");
        var patch = PatchJson.Object("{'spec':{'template':{'spec':{'containers':[{'name':'app','image':'app:2'}]}}}}");

        var result = StrategicMergePatch.Apply(original, patch, MergeKeys.ForBuiltIn("apps", "Deployment"));

        PatchJson.Equal("{'spec':{'replicas':1,'template':{'spec':{'containers':[{'name':'app','image':'app:2'},{'name':'sidecar','image':'s:1'}]}}}}", result);
    }

    [Fact]
    public void Service_ports_merge_by_port()
    {
        var original = PatchJson.Object("{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}");
        var patch = PatchJson.Object("{'spec':{'ports':[{'port':80,'targetPort':9090}]}}");

        var result = StrategicMergePatch.Apply(original, patch, MergeKeys.ForBuiltIn("", "Service"));

        PatchJson.Equal("{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443}]}}", result);
    }

    [Fact]
    public void Leaves_its_inputs_untouched()
    {
        var original = PatchJson.Object("{'spec':{'containers':[{'name':'a','image':'1'}]}}");
        var patch = PatchJson.Object("{'spec':{'containers':[{'name':'a','image':'2'},{'name':'b','$patch':'delete'}]}}");

        StrategicMergePatch.Apply(original, patch, PodKeys);

        PatchJson.Equal("{'spec':{'containers':[{'name':'a','image':'1'}]}}", original);
        PatchJson.Equal("{'spec':{'containers':[{'name':'a','image':'2'},{'name':'b','$patch':'delete'}]}}", patch);
    }

    [Theory]
    [InlineData("{'metadata':{'labels':{'$patch':'explode'}}}", 400)]
    [InlineData("{'spec':{'containers':[{'name':'a','$patch':'explode'}]}}", 400)]
    [InlineData("{'spec':{'containers':[{'image':'no-name'}]}}", 422)]
    [InlineData("{'spec':{'containers':['not-a-map']}}", 422)]
    [InlineData("{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{}}}}", 422)]
    [InlineData("{'spec':{'strategy':{'$retainKeys':'type'}}}", 400)]
    [InlineData("{'metadata':{'$deleteFromPrimitiveList/finalizers':'x'}}", 400)]
    [InlineData("{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'}],'containers':[{'name':'b'},{'name':'a'}]}}", 422)]
    [InlineData("{'spec':{'$setElementOrder/containers':{'name':'a'}}}", 400)]
    public void Rejects_malformed_patches(string patch, int status)
    {
        var original = PatchJson.Object("{'spec':{'containers':[{'name':'a'},{'name':'b'}],'strategy':{'type':'Recreate'}},'metadata':{'finalizers':['x']}}");

        var error = Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(original, PatchJson.Object(patch), PodKeys));

        Assert.Equal(status, error.StatusCode);
    }
}
