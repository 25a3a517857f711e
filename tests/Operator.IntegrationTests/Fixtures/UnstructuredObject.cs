using System.Text.Json;
using System.Text.Json.Serialization;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>Typed head (kind, metadata) with every other field kept as raw JSON, for kinds the operator never models.</summary>
public abstract class UnstructuredObject : KubeObject
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Fields { get; set; } = [];
}
