using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Kube.Client;

// Minimal kinds covering each addressing shape: core namespaced, named group, cluster-scoped, custom resource.

[KubeResource("", "v1", "ConfigMap", "configmaps")]
internal sealed class TestConfigMap : KubeObject
{
    public Dictionary<string, string>? Data { get; set; }
}

[KubeResource("apps", "v1", "Deployment", "deployments")]
internal sealed class TestDeployment : KubeObject
{
    public TestDeploymentSpec? Spec { get; set; }
}

internal sealed class TestDeploymentSpec
{
    public int? Replicas { get; set; }
}

[KubeResource("", "v1", "Namespace", "namespaces", Namespaced = false)]
internal sealed class TestNamespace : KubeObject;

[KubeResource("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", Namespaced = false)]
internal sealed class TestClusterRole : KubeObject;

[KubeResource("example.com", "v1alpha1", "Widget", "widgets")]
internal sealed class TestWidget : KubeObject
{
    public Dictionary<string, object>? Spec { get; set; }
}
