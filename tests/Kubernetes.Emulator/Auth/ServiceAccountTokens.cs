using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MlOperator.Kubernetes.Emulator.Auth;

/// <summary>
/// Bearer tokens the emulator issued for ServiceAccounts (TokenRequest, or <c>KubeEmulator.IssueServiceAccountToken</c>):
/// a request carrying one is that ServiceAccount, and RBAC decides what it may do. Any other token is the
/// administrator's (or refused, when the emulator requires a specific one).
/// </summary>
internal sealed class ServiceAccountTokens
{
    private readonly ConcurrentDictionary<string, UserInfo> _tokens = new(StringComparer.Ordinal);

    public string Issue(string ns, string serviceAccount)
    {
        var token = $"mlop-sa.{ns}.{serviceAccount}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        _tokens[token] = UserInfo.ServiceAccount(ns, serviceAccount);
        return token;
    }

    public UserInfo? Find(string? authorizationHeader) =>
        authorizationHeader is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
            && _tokens.TryGetValue(header[7..], out var user)
            ? user
            : null;
}
