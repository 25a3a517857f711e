using MlOperator.Kubernetes.Emulator.Patching;

namespace MlOperator.Kubernetes.Emulator.Tests.Patching;

public sealed class MergeKeysTests
{
    [Theory]
    [InlineData("apps", "Deployment", "spec.template.spec.containers", "name")]
    [InlineData("apps", "Deployment", "spec.template.spec.initContainers", "name")]
    [InlineData("", "Pod", "spec.containers", "name")]
    [InlineData("", "Pod", "spec.ephemeralContainers", "name")]
    [InlineData("batch", "CronJob", "spec.jobTemplate.spec.template.spec.containers", "name")]
    [InlineData("apps", "StatefulSet", "spec.template.spec.containers.env", "name")]
    [InlineData("apps", "Deployment", "spec.template.spec.containers.volumeMounts", "mountPath")]
    [InlineData("apps", "Deployment", "spec.template.spec.volumes", "name")]
    [InlineData("apps", "Deployment", "spec.template.spec.imagePullSecrets", "name")]
    [InlineData("apps", "Deployment", "metadata.ownerReferences", "uid")]
    [InlineData("", "ConfigMap", "metadata.ownerReferences", "uid")]
    [InlineData("apps", "Deployment", "status.conditions", "type")]
    [InlineData("autoscaling", "HorizontalPodAutoscaler", "status.conditions", "type")]
    [InlineData("", "Pod", "status.podIPs", "ip")]
    [InlineData("apps", "Deployment", "spec.template.spec.containers.resources.claims", "name")]
    public void Built_in_associative_lists_have_their_kube_merge_keys(string group, string kind, string path, string key)
    {
        var keys = MergeKeys.ForBuiltIn(group, kind);

        Assert.Equal([key], keys.KeysFor(path.Split('.')));
        Assert.Equal([key], keys.PatchKeysFor(path.Split('.')));
        Assert.False(keys.IsSet(path.Split('.')));
    }

    [Theory]
    [InlineData("apps", "Deployment", "spec.template.spec.containers.ports", "containerPort")]
    [InlineData("apps", "Deployment", "spec.template.spec.initContainers.ports", "containerPort")]
    [InlineData("", "Pod", "spec.containers.ports", "containerPort")]
    [InlineData("", "Service", "spec.ports", "port")]
    [InlineData("apps", "Deployment", "spec.template.spec.topologySpreadConstraints", "topologyKey")]
    public void Some_lists_have_a_second_apply_key_that_strategic_merge_ignores(string group, string kind, string path, string first)
    {
        var keys = MergeKeys.ForBuiltIn(group, kind);

        Assert.Equal(first, keys.KeysFor(path.Split('.'))![0]);
        Assert.Equal(2, keys.KeysFor(path.Split('.'))!.Count);
        Assert.Equal([first], keys.PatchKeysFor(path.Split('.')));
    }

    [Theory]
    [InlineData("apps", "Deployment", "spec.template.spec.tolerations")]
    [InlineData("autoscaling", "HorizontalPodAutoscaler", "spec.metrics")]
    [InlineData("networking.k8s.io", "Ingress", "spec.rules")]
    [InlineData("networking.k8s.io", "Ingress", "spec.tls")]
    [InlineData("apps", "Deployment", "spec.template.spec.containers.args")]
    [InlineData("apps", "Deployment", "spec.ports")]
    [InlineData("", "Service", "spec.template.spec.ports")]
    [InlineData("", "Service", "spec.ipFamilies")]
    public void Other_built_in_lists_are_atomic(string group, string kind, string path)
    {
        var keys = MergeKeys.ForBuiltIn(group, kind);

        Assert.Null(keys.KeysFor(path.Split('.')));
        Assert.False(keys.IsSet(path.Split('.')));
    }

    [Fact]
    public void Finalizers_are_a_set_and_selectors_atomic_maps()
    {
        var deployment = MergeKeys.ForBuiltIn("apps", "Deployment");

        Assert.True(deployment.IsSet(["metadata", "finalizers"]));
        Assert.True(deployment.IsAtomicMap(["spec", "selector"]));
        Assert.True(deployment.IsAtomicMap(["spec", "template", "spec", "nodeSelector"]));
        Assert.False(deployment.IsAtomicMap(["spec", "template", "metadata", "labels"]));
        Assert.True(MergeKeys.ForBuiltIn("", "Service").IsAtomicMap(["spec", "selector"]));
        Assert.False(MergeKeys.ForBuiltIn("", "ConfigMap").IsAtomicMap(["spec", "selector"]));
    }

    [Fact]
    public void A_CRD_schema_declares_list_maps_sets_and_atomic_maps()
    {
        var schema = PatchJson.Object("""
            {'type':'object','properties':{
              'spec':{'type':'object','properties':{
                'stages':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name','zone'],
                  'items':{'type':'object','properties':{
                    'hosts':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},
                    'steps':{'type':'array','items':{'type':'object'}}}}},
                'selector':{'type':'object','x-kubernetes-map-type':'atomic'},
                'tags':{'type':'array','x-kubernetes-list-type':'atomic','items':{'type':'string'}},
                'pools':{'type':'object','additionalProperties':{'type':'array','x-kubernetes-list-type':'map',
                  'x-kubernetes-list-map-keys':['id'],'items':{'type':'object'}}}}},
              'status':{'type':'object','properties':{
                'conditions':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['type'],'items':{'type':'object'}},
                'history':{'type':'array','items':{'type':'object'}}}}}}
            """);

        var keys = MergeKeys.FromSchema(schema);

        Assert.Equal(["name", "zone"], keys.KeysFor(["spec", "stages"]));
        Assert.Equal(["name", "zone"], keys.PatchKeysFor(["spec", "stages"]));
        Assert.True(keys.IsSet(["spec", "stages", "hosts"]));
        Assert.Null(keys.KeysFor(["spec", "stages", "steps"]));
        Assert.True(keys.IsAtomicMap(["spec", "selector"]));
        Assert.Null(keys.KeysFor(["spec", "tags"]));
        Assert.False(keys.IsSet(["spec", "tags"]));
        Assert.Equal(["id"], keys.KeysFor(["spec", "pools", "gpu-a"]));
        Assert.Equal(["type"], keys.KeysFor(["status", "conditions"]));
        Assert.Null(keys.KeysFor(["status", "history"]));
        Assert.Equal(["uid"], keys.KeysFor(["metadata", "ownerReferences"]));
        Assert.True(keys.IsSet(["metadata", "finalizers"]));
        Assert.Null(keys.KeysFor(["spec", "template", "spec", "containers"]));
    }
}
