using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>Type and object meta of the test kinds in group test.mloperator.io/v1 (the library's models leave them to each kind).</summary>
public abstract class TestKind(string kind) : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "test.mloperator.io";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = kind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();
}
