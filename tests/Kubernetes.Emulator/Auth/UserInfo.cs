namespace MlOperator.Kubernetes.Emulator.Auth;

/// <summary>Who a request comes from, as kube's authenticators describe it: a user name and its groups.</summary>
internal sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    public const string Masters = "system:masters";

    /// <summary>The emulator's own token (or no token at all when none is required): cluster-admin, like kubeadm's admin.conf.</summary>
    public static readonly UserInfo Admin = new("kubernetes-admin", [Masters, "system:authenticated"]);

    public bool IsSuperuser => Groups.Contains(Masters);

    public static UserInfo ServiceAccount(string ns, string name) =>
        new($"system:serviceaccount:{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"]);
}
