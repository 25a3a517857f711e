using System.Text.Json.Serialization;
using k8s.Models;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>A namespaced test kind with a spec (bumps generation) and a status.</summary>
[KubernetesEntity(Group = Group, ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
public sealed class Widget() : TestKind("Widget")
{
    [JsonPropertyName("spec")]
    public Dictionary<string, string>? Spec { get; set; }

    [JsonPropertyName("status")]
    public Dictionary<string, string>? Status { get; set; }

    public static Widget Named(string name, string ns = "ns", Dictionary<string, string>? labels = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels }, Spec = new() { ["v"] = "1" } };
}
