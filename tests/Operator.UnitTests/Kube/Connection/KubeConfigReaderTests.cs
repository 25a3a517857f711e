using MlOperator.Operator.Kube;
using YamlDotNet.Core;

namespace MlOperator.Operator.UnitTests.Kube.Connection;

/// <summary>Every field the library's kubeconfig model has, read under the name kubectl writes it.</summary>
public sealed class KubeConfigReaderTests
{
    [Fact]
    public void Reads_every_modelled_field_under_kubectls_names_and_skips_the_rest()
    {
        var config = KubeConfigReader.Read(new StringReader("""
            apiVersion: v1
            kind: Config
            current-context: dev
            preferences: {colors: true}
            clusters:
            - name: c
              cluster:
                server: https://c:6443
                certificate-authority: /ca.crt
                certificate-authority-data: Q0E=
                tls-server-name: api.internal
                insecure-skip-tls-verify: true
                extensions: [{name: x, extension: {a: 1}}]
            contexts:
            - name: dev
              context: {cluster: c, user: u, namespace: team}
            users:
            - name: u
              user:
                client-certificate: /u.crt
                client-certificate-data: Q0VSVA==
                client-key: /u.key
                client-key-data: S0VZ
                token: tok
                as: alice
                as-groups: [admins, devs]
                as-user-extra: {scope: [a, b]}
                username: admin
                password: pw
                auth-provider: {name: oidc, config: {client-id: k, idp-issuer-url: https://idp}}
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: aws
                  args: [eks, get-token]
                  env: [{name: AWS_PROFILE, value: prod}]
                  installHint: install aws
                  provideClusterInfo: true
            """))!;

        Assert.Equal(("v1", "Config", "dev"), (config.ApiVersion, config.Kind, config.CurrentContext));
        var cluster = Assert.Single(config.Clusters).ClusterEndpoint;
        Assert.Equal(("https://c:6443", "/ca.crt", "Q0E=", "api.internal", true),
            (cluster.Server, cluster.CertificateAuthority, cluster.CertificateAuthorityData, cluster.TlsServerName, cluster.SkipTlsVerify));
        var context = Assert.Single(config.Contexts);
        Assert.Equal(("dev", "c", "u", "team"), (context.Name, context.ContextDetails.Cluster, context.ContextDetails.User, context.ContextDetails.Namespace));
        var user = Assert.Single(config.Users);
        var u = user.UserCredentials;
        Assert.Equal(("u", "/u.crt", "Q0VSVA==", "/u.key", "S0VZ", "tok"), (user.Name, u.ClientCertificate, u.ClientCertificateData, u.ClientKey, u.ClientKeyData, u.Token));
        Assert.Equal(("alice", "admin", "pw"), (u.Impersonate, u.UserName, u.Password));
        Assert.Equal(["admins", "devs"], u.ImpersonateGroups);
        Assert.Equal("a,b", u.ImpersonateUserExtra["scope"]);
        Assert.Equal(("oidc", "k", "https://idp"), (u.AuthProvider.Name, u.AuthProvider.Config["client-id"], u.AuthProvider.Config["idp-issuer-url"]));
        var exec = u.ExternalExecution;
        Assert.Equal(("client.authentication.k8s.io/v1", "aws", "install aws", true), (exec.ApiVersion, exec.Command, exec.InstallHint, exec.ProvideClusterInfo));
        Assert.Equal(["eks", "get-token"], exec.Arguments);
        Assert.Equal("prod", Assert.Single(exec.EnvironmentVariables)["value"]);
    }

    [Fact]
    public void An_empty_file_is_no_configuration()
    {
        Assert.Null(KubeConfigReader.Read(new StringReader("")));
        Assert.Null(KubeConfigReader.Read(new StringReader("# nothing\n")));
    }

    [Theory]
    [InlineData("clusters: {c: 1}", "expected a list for clusters", 1, 11)]
    [InlineData("users:\n- name: u\n  user:\n    as-groups: admins", "expected a list for as-groups", 4, 16)]
    [InlineData("clusters:\n- name: c\n  cluster: {server: [a]}", "expected a single value for server", 3, 21)]
    [InlineData("clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: maybe}", "expected true or false for insecure-skip-tls-verify, not 'maybe'", 3, 39)]
    public void A_field_of_the_wrong_shape_is_a_yaml_error_at_its_position(string yaml, string message, int line, int column)
    {
        var error = Assert.Throws<YamlException>(() => KubeConfigReader.Read(new StringReader(yaml)));

        Assert.Equal((message, line, column), (error.Message, (int)error.Start.Line, (int)error.Start.Column));
    }
}
