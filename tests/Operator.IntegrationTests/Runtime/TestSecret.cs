using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.IntegrationTests.Runtime;

/// <summary>core/v1 Secret (values base64), the child kind of the runtime tests' small controller.</summary>
[KubeResource("", "v1", "Secret", "secrets")]
public sealed class TestSecret : KubeObject
{
    public Dictionary<string, string>? Data { get; set; }
    public string? Type { get; set; }
}
