using System.Text.Json.Serialization;
using k8s.Models;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>A test child kind, owned by a <see cref="Widget"/> through ownerReferences.</summary>
[KubernetesEntity(Group = Group, ApiVersion = "v1", Kind = "WidgetPart", PluralName = "widgetparts")]
public sealed class WidgetPart() : TestKind("WidgetPart")
{
    [JsonPropertyName("spec")]
    public Dictionary<string, string>? Spec { get; set; }

    public static WidgetPart OwnedBy(string name, Widget owner, bool controller = true) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = owner.Metadata.NamespaceProperty,
            OwnerReferences =
            [
                new V1OwnerReference { ApiVersion = owner.ApiVersion, Kind = owner.Kind, Name = owner.Metadata.Name!, Uid = owner.Metadata.Uid!, Controller = controller },
            ],
        },
    };
}
