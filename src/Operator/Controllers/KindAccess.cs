using MlOperator.Operator.Kube;

namespace MlOperator.Operator.Controllers;

/// <summary>One thing the operator calls: the verbs it uses on a kind (or one of its subresources).</summary>
public sealed record KindAccess(Type Type, string? Subresource, IReadOnlyList<string> Verbs)
{
    public KubeResource Resource => KubeResource.For(Type);

    /// <summary>The RBAC resource name: the plural, with the subresource after a slash.</summary>
    public string RbacResource => Subresource is null ? Resource.Plural : $"{Resource.Plural}/{Subresource}";
}
