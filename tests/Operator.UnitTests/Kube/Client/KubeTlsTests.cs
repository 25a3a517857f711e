using System.Security.Authentication;
using System.Text;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Config;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Client;

/// <summary>Real TLS handshakes against Kestrel, with certificates made in-process, configured through a kubeconfig.</summary>
public sealed class KubeTlsTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static KubeClientConfig Load(Uri server, string clusterExtra, string user)
    {
        var env = new FakeConfigEnvironment().With("/home/dev/.kube/config", $"""
            current-context: test
            clusters:
            - name: c
              cluster:
                server: {server}
                {clusterExtra}
            users:
            - name: u
              user:
                {user}
            contexts:
            - name: test
              context: {"{"}cluster: c, user: u, namespace: team{"}"}
            """);
        return KubeConfigLoader.Load(env: env);
    }

    private static KubeClient Client(KubeClientConfig config) => KubeClient.FromConfig(config, new KubeClientOptions { MaxAttempts = 1 });

    [Fact]
    public async Task Trusts_the_server_through_the_kubeconfig_ca_and_sends_the_token()
    {
        await using var server = await TlsTestServer.StartAsync(_pki.IssueServer());
        using var client = Client(Load(server.Url, $"certificate-authority-data: {B64(_pki.CaPem)}", "token: s3cret"));

        var cm = await client.GetAsync<TestConfigMap>("cfg");

        Assert.Equal("cfg", cm.Metadata.Name);
        Assert.Equal("Bearer s3cret", server.Authorization);
        Assert.Null(server.ClientCertificateSubject);
    }

    [Fact]
    public async Task Refuses_a_server_signed_by_another_ca()
    {
        using var other = new TestPki("other-ca");
        await using var server = await TlsTestServer.StartAsync(other.IssueServer());
        using var client = Client(Load(server.Url, $"certificate-authority-data: {B64(_pki.CaPem)}", "token: s3cret"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync<TestConfigMap>("cfg"));

        Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.Null(server.Authorization);
    }

    [Fact]
    public async Task Refuses_a_self_signed_server_without_a_configured_ca()
    {
        await using var server = await TlsTestServer.StartAsync(_pki.IssueServer());
        using var client = Client(Load(server.Url, "", "token: s3cret"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync<TestConfigMap>("cfg"));
    }

    [Fact]
    public async Task Refuses_a_certificate_for_another_host_unless_tls_server_name_names_it()
    {
        await using var server = await TlsTestServer.StartAsync(_pki.IssueServer("apiserver.internal", loopbackIp: false));
        var ca = $"certificate-authority-data: {B64(_pki.CaPem)}";
        using var strict = Client(Load(server.Url, ca, "token: t"));
        using var named = Client(Load(server.Url, ca + "\n    tls-server-name: apiserver.internal", "token: t"));

        await Assert.ThrowsAsync<HttpRequestException>(() => strict.GetAsync<TestConfigMap>("cfg"));
        Assert.Equal("cfg", (await named.GetAsync<TestConfigMap>("cfg")).Metadata.Name);
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_accepts_any_server()
    {
        using var other = new TestPki("other-ca");
        await using var server = await TlsTestServer.StartAsync(other.IssueServer("elsewhere", loopbackIp: false));
        using var client = Client(Load(server.Url, "insecure-skip-tls-verify: true", "token: t"));

        Assert.Equal("cfg", (await client.GetAsync<TestConfigMap>("cfg")).Metadata.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Presents_the_client_certificate_from_the_kubeconfig(bool ec)
    {
        var (certPem, keyPem) = _pki.IssueClient("jane", ec);
        await using var server = await TlsTestServer.StartAsync(_pki.IssueServer());
        using var client = Client(Load(server.Url, $"certificate-authority-data: {B64(_pki.CaPem)}",
            $"client-certificate-data: {B64(certPem)}\n    client-key-data: {B64(keyPem)}"));

        await client.GetAsync<TestConfigMap>("cfg");

        Assert.Equal("CN=jane, O=system:masters", server.ClientCertificateSubject);
        Assert.Null(server.Authorization);
    }
}
