using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Kube.Client;

public class KubeUrlTests
{
    public static TheoryData<string, string?, string?, string?, string> Paths => new()
    {
        { "configmap", "team", "cfg", null, "/api/v1/namespaces/team/configmaps/cfg" },
        { "configmap", "team", null, null, "/api/v1/namespaces/team/configmaps" },
        { "configmap", null, null, null, "/api/v1/configmaps" },
        { "deployment", "risk", "web", null, "/apis/apps/v1/namespaces/risk/deployments/web" },
        { "deployment", "risk", "web", "status", "/apis/apps/v1/namespaces/risk/deployments/web/status" },
        { "deployment", "risk", "web", "scale", "/apis/apps/v1/namespaces/risk/deployments/web/scale" },
        { "deployment", null, null, null, "/apis/apps/v1/deployments" },
        { "deployment", "", null, null, "/apis/apps/v1/deployments" },
        { "namespace", "ignored", "team", null, "/api/v1/namespaces/team" },
        { "namespace", null, null, null, "/api/v1/namespaces" },
        { "clusterrole", "ignored", "admin", null, "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin" },
        { "widget", "ml", "w1", "status", "/apis/example.com/v1alpha1/namespaces/ml/widgets/w1/status" },
        { "widget", "ml", "a b/c", null, "/apis/example.com/v1alpha1/namespaces/ml/widgets/a%20b%2Fc" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Builds_paths_for_core_named_group_cluster_scoped_all_namespace_and_subresources(
        string kind, string? ns, string? name, string? subresource, string expected)
    {
        var resource = kind switch
        {
            "configmap" => KubeResourceAttribute.For<TestConfigMap>(),
            "deployment" => KubeResourceAttribute.For<TestDeployment>(),
            "namespace" => KubeResourceAttribute.For<TestNamespace>(),
            "clusterrole" => KubeResourceAttribute.For<TestClusterRole>(),
            _ => KubeResourceAttribute.For<TestWidget>(),
        };

        Assert.Equal(expected, KubeUrl.Path(resource, ns, name, subresource));
    }

    [Fact]
    public void Refuses_an_empty_name()
    {
        Assert.Throws<ArgumentException>(() => KubeUrl.Path(KubeResourceAttribute.For<TestConfigMap>(), "ns", ""));
    }

    [Fact]
    public void List_query_escapes_selectors_and_skips_unset_options()
    {
        var query = KubeUrl.ListQuery(new ListOptions
        {
            LabelSelector = "app in (web,api),tier!=db",
            FieldSelector = "metadata.name=web",
            Limit = 500,
            Continue = "abc==",
            ResourceVersion = "42",
        });

        Assert.Equal("?labelSelector=app%20in%20%28web%2Capi%29%2Ctier%21%3Ddb&fieldSelector=metadata.name%3Dweb&limit=500&continue=abc%3D%3D&resourceVersion=42",
            query.ToString());
        Assert.Equal("", KubeUrl.ListQuery(null).ToString());
    }

    [Fact]
    public void Watch_query_asks_for_bookmarks_from_a_resource_version_with_a_timeout()
    {
        var query = KubeUrl.WatchQuery(new WatchOptions { ResourceVersion = "7", TimeoutSeconds = 300, LabelSelector = "app=web" });

        Assert.Equal("?watch=true&allowWatchBookmarks=true&labelSelector=app%3Dweb&resourceVersion=7&timeoutSeconds=300", query.ToString());
        Assert.Equal("?watch=true", KubeUrl.WatchQuery(new WatchOptions { AllowBookmarks = false }).ToString());
    }
}
