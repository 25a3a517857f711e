using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.IntegrationTests.Client;

/// <summary>A core-group kind the operator itself does not model, to exercise /api/v1 paths.</summary>
[KubeResource("", "v1", "ConfigMap", "configmaps")]
internal sealed class ConfigMap : KubeObject
{
    public Dictionary<string, string>? Data { get; set; }
}

[KubeResource("", "v1", "Namespace", "namespaces", Namespaced = false)]
internal sealed class NamespaceObject : KubeObject;
