using System.Text.Json;
using System.Text.Json.Serialization;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Bench;

/// <summary>Kinds the operator never models but the benchmarks create: typed head, the rest kept as raw JSON.</summary>
internal abstract class Unstructured : KubeObject
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Fields { get; set; } = [];
}

[KubeResource("", "v1", "ConfigMap", "configmaps")]
internal sealed class ConfigMap : Unstructured
{
    public Dictionary<string, string>? Data { get; set; }
}

[KubeResource("", "v1", "Namespace", "namespaces", Namespaced = false)]
internal sealed class BenchNamespace : Unstructured;
