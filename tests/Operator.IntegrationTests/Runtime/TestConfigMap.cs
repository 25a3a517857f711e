using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.IntegrationTests.Runtime;

/// <summary>core/v1 ConfigMap, the primary kind of the runtime tests' small controller.</summary>
[KubeResource("", "v1", "ConfigMap", "configmaps")]
public sealed class TestConfigMap : KubeObject
{
    public Dictionary<string, string>? Data { get; set; }
}
