using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>A namespaced test kind with a spec (bumps generation) and a status.</summary>
[KubeResource("test.mloperator.io", "v1", "Widget", "widgets")]
public sealed class Widget : KubeObject
{
    public Dictionary<string, string>? Spec { get; set; }
    public Dictionary<string, string>? Status { get; set; }

    public static Widget Named(string name, string ns = "ns", Dictionary<string, string>? labels = null) =>
        new() { Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels }, Spec = new() { ["v"] = "1" } };
}
