namespace MlOperator.Kubernetes.Emulator.Auth;

/// <summary>What a resource request wants, in RBAC's terms (kube's authorizer.Attributes).</summary>
internal sealed record RequestAttributes(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name)
{
    public string ResourceWithSubresource => Subresource is null ? Resource : Resource + "/" + Subresource;
}
