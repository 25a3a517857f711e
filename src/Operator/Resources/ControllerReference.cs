using k8s;
using k8s.Models;

namespace MlOperator.Operator.Resources;

/// <summary>The ownerReference every child carries: garbage collection deletes it with its owner, and a change to it wakes the owner.</summary>
public static class ControllerReference
{
    public static V1OwnerReference For(IKubernetesObject<V1ObjectMeta> owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name ?? "",
        Uid = owner.Metadata.Uid ?? "",
        Controller = true,
        BlockOwnerDeletion = true,
    };
}
