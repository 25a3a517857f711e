using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MlOperator.Operator.Kube.Config;

namespace MlOperator.Operator.Kube.Client;

/// <summary>TLS settings from a <see cref="KubeClientConfig"/>: cluster CA trust, insecure skip, client certificate.</summary>
internal static class KubeTls
{
    public static SslClientAuthenticationOptions Create(KubeClientConfig config)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (config.ClientCertificate is { } clientCert)
        {
            // A context (rather than a collection) presents the certificate even when the server's acceptable-issuer
            // list does not name our CA, which is how most apiservers are set up.
            ssl.ClientCertificateContext = SslStreamCertificateContext.Create(clientCert, additionalCertificates: null, offline: true);
        }

        if (config.InsecureSkipTlsVerify)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (config.CertificateAuthorities is not null || config.TlsServerName is not null)
        {
            var roots = config.CertificateAuthorities;
            var serverName = config.TlsServerName;
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, chain, errors, roots, serverName);
        }

        return ssl;
    }

    /// <summary>
    /// With cluster roots, the chain is rebuilt trusting only them (the system store is not consulted, like client-go's
    /// RootCAs); the host name check stays, against tls-server-name when the kubeconfig sets one.
    /// </summary>
    internal static bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors,
        X509Certificate2Collection? roots, string? serverName)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (serverName is not null)
        {
            if (!leaf.MatchesHostname(serverName))
            {
                return false;
            }

            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }
        else if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        if (roots is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        return chain.Build(leaf);
    }
}
