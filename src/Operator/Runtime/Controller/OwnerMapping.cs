using k8s;
using k8s.Models;

namespace MlOperator.Operator.Runtime.Controller;

/// <summary>Finds the controlling owner of a child (controller-runtime <c>EnqueueRequestForOwner</c> with OnlyControllerOwner).</summary>
public static class OwnerMapping
{
    /// <summary>
    /// The request for the child's owner with <c>controller: true</c> of the given kind and API group (the version
    /// may differ: owner references survive version upgrades). Empty when there is none.
    /// </summary>
    public static IEnumerable<ReconcileRequest> ControllerOwner(IKubernetesObject<V1ObjectMeta> child, string ownerKind, string ownerGroup, bool ownerNamespaced)
    {
        foreach (var reference in child.Metadata.OwnerReferences ?? [])
        {
            if (reference.Controller == true && reference.Kind == ownerKind && GroupOf(reference.ApiVersion) == ownerGroup)
            {
                yield return new ReconcileRequest(ownerNamespaced ? child.Metadata.NamespaceProperty : null, reference.Name);
            }
        }
    }

    private static string GroupOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? "" : apiVersion[..slash];
    }
}
