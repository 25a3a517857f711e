using System.Security.Cryptography.X509Certificates;

namespace MlOperator.Operator.Kube.Config;

/// <summary>Everything a client needs to reach one API server: where, as whom, and which certificates to trust.</summary>
public sealed record KubeClientConfig
{
    /// <summary>The API server, e.g. https://10.0.0.1:443; may carry a path prefix.</summary>
    public required Uri Server { get; init; }

    /// <summary>The namespace of the context (or of the service account in-cluster); "default" when unset.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>A static bearer token.</summary>
    public string? Token { get; init; }

    /// <summary>A file holding the bearer token; re-read at most once a minute so rotated tokens are picked up.</summary>
    public string? TokenFile { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Client certificate with its private key.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The roots to trust for the server certificate instead of the system store; null means the system store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name to check the server certificate against when it differs from the server host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Where this came from, for logs: e.g. <c>kubeconfig ~/.kube/config, context "dev"</c> or <c>in-cluster</c>.</summary>
    public string Source { get; init; } = "";

    /// <summary>For logs: secrets are reported by presence only.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Server = {Server}, Namespace = {Namespace}, Source = {Source}, ");
        builder.Append($"Token = {(Token is null ? "none" : "set")}, TokenFile = {TokenFile ?? "none"}, ");
        builder.Append($"Username = {Username ?? "none"}, Password = {(Password is null ? "none" : "set")}, ");
        builder.Append($"ClientCertificate = {ClientCertificate?.Subject ?? "none"}, ");
        builder.Append($"CertificateAuthorities = {CertificateAuthorities?.Count ?? 0}, InsecureSkipTlsVerify = {InsecureSkipTlsVerify}, ");
        builder.Append($"TlsServerName = {TlsServerName ?? "none"}");
        return true;
    }

    /// <summary>Plain http never carries credentials (kubectl's rule), so a token cannot leak in clear text.</summary>
    public bool SendsCredentials => Server.Scheme == Uri.UriSchemeHttps;
}
