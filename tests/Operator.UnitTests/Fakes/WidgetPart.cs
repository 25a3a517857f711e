using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>A test child kind, owned by a <see cref="Widget"/> through ownerReferences.</summary>
[KubeResource("test.mloperator.io", "v1", "WidgetPart", "widgetparts")]
public sealed class WidgetPart : KubeObject
{
    public Dictionary<string, string>? Spec { get; set; }

    public static WidgetPart OwnedBy(string name, Widget owner, bool controller = true) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = owner.Metadata.Namespace,
            OwnerReferences =
            [
                new OwnerReference { ApiVersion = owner.ApiVersion, Kind = owner.Kind, Name = owner.Metadata.Name!, Uid = owner.Metadata.Uid!, Controller = controller },
            ],
        },
    };
}
