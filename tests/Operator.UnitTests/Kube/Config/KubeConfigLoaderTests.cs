using System.Text;
using MlOperator.Operator.Kube.Config;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Config;

public class KubeConfigLoaderTests
{
    private const string Home = "/home/dev/.kube/config";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Kubeconfig(string clusters = "", string users = "", string contexts = "", string? current = null) =>
        $"""
        apiVersion: v1
        kind: Config
        {(current is null ? "" : $"current-context: {current}")}
        clusters:
        {clusters}
        users:
        {users}
        contexts:
        {contexts}
        """;

    private static string Cluster(string name, string server, string extra = "") =>
        $"""
        - name: {name}
          cluster:
            server: {server}
            {extra}
        """;

    private static string User(string name, string body) =>
        $"""
        - name: {name}
          user:
            {body}
        """;

    private static string Context(string name, string cluster, string user, string? ns = null) =>
        $"""
        - name: {name}
          context:
            cluster: {cluster}
            user: {user}
            {(ns is null ? "" : $"namespace: {ns}")}
        """;

    private static FakeConfigEnvironment Env() => new();

    [Fact]
    public void Loads_the_current_context_from_home_with_token_namespace_and_ca_data()
    {
        using var pki = new TestPki();
        var env = Env().With(Home, Kubeconfig(
            Cluster("prod", "https://10.0.0.1:6443", $"certificate-authority-data: {B64(pki.CaPem)}"),
            User("admin", "token: abc123"),
            Context("prod", "prod", "admin", "risk"),
            current: "prod"));

        var config = KubeConfigLoader.Load(env: env);

        Assert.Equal(new Uri("https://10.0.0.1:6443"), config.Server);
        Assert.Equal("abc123", config.Token);
        Assert.Equal("risk", config.Namespace);
        Assert.Equal(pki.Ca.Thumbprint, Assert.Single(config.CertificateAuthorities!).Thumbprint);
        Assert.False(config.InsecureSkipTlsVerify);
        Assert.True(config.SendsCredentials);
        Assert.Equal("kubeconfig ~/.kube/config, context \"prod\"", config.Source);
    }

    [Fact]
    public void Merges_KUBECONFIG_files_first_definition_wins_and_current_context_comes_from_the_first_file_that_sets_it()
    {
        var env = Env()
            .WithVariable("KUBECONFIG", "/a/one:/missing/skipped:/b/two")
            .With("/a/one", Kubeconfig(Cluster("shared", "https://first:6443"), User("u", "token: first-token"), Context("c1", "shared", "u")))
            .With("/b/two", Kubeconfig(Cluster("shared", "https://second:6443"), User("u", "token: second-token"),
                Context("c1", "other", "u") + "\n" + Context("c2", "shared", "u", "team"), current: "c1"));

        var config = KubeConfigLoader.Load(env: env);

        Assert.Equal("https://first:6443/", config.Server.ToString());
        Assert.Equal("first-token", config.Token);
        Assert.Equal("default", config.Namespace);
        Assert.Equal("kubeconfig /a/one, /b/two, context \"c1\"", config.Source);
    }

    [Fact]
    public void A_context_only_the_second_file_defines_is_still_found()
    {
        var env = Env()
            .WithVariable("KUBECONFIG", "/a/one:/b/two")
            .With("/a/one", Kubeconfig(Cluster("shared", "https://first:6443"), current: "c2"))
            .With("/b/two", Kubeconfig(users: User("u", "token: t"), contexts: Context("c2", "shared", "u", "team")));

        var config = KubeConfigLoader.Load(env: env);

        Assert.Equal("https://first:6443/", config.Server.ToString());
        Assert.Equal("team", config.Namespace);
    }

    [Fact]
    public void A_named_context_and_namespace_override_the_current_ones()
    {
        var env = Env().With(Home, Kubeconfig(
            Cluster("a", "https://a:6443") + "\n" + Cluster("b", "http://b:8080"),
            User("u", "token: t"),
            Context("ca", "a", "u", "x") + "\n" + Context("cb", "b", "u", "y"),
            current: "ca"));

        var named = KubeConfigLoader.Load(new KubeConfigLoadOptions { Context = "cb" }, env);
        var overridden = KubeConfigLoader.Load(new KubeConfigLoadOptions { Context = "cb", Namespace = "z" }, env);

        Assert.Equal("http://b:8080/", named.Server.ToString());
        Assert.Equal("y", named.Namespace);
        Assert.False(named.SendsCredentials);
        Assert.Equal("z", overridden.Namespace);
    }

    [Fact]
    public void Relative_file_paths_resolve_against_the_kubeconfig_directory()
    {
        using var pki = new TestPki();
        var (certPem, keyPem) = pki.IssueClient("dev", ec: true);
        var env = Env()
            .With("/etc/kube/cfg", Kubeconfig(
                Cluster("c", "https://c:6443", "certificate-authority: certs/ca.crt"),
                User("u", "client-certificate: certs/dev.crt\n    client-key: ../keys/dev.key\n    tokenFile: token"),
                Context("ctx", "c", "u"), current: "ctx"))
            .With("/etc/kube/certs/ca.crt", pki.CaPem)
            .With("/etc/kube/certs/dev.crt", certPem)
            .With("/etc/keys/dev.key", keyPem)
            .With("/etc/kube/token", "file-token\n");

        var config = KubeConfigLoader.Load(new KubeConfigLoadOptions { Path = "/etc/kube/cfg" }, env);

        Assert.Equal("file-token", config.Token);
        Assert.Equal("/etc/kube/token", config.TokenFile);
        Assert.True(config.ClientCertificate!.HasPrivateKey);
        Assert.Equal("CN=dev, O=system:masters", config.ClientCertificate.Subject);
        Assert.Single(config.CertificateAuthorities!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Loads_client_certificate_data_with_rsa_or_ec_keys(bool ec)
    {
        using var pki = new TestPki();
        var (certPem, keyPem) = pki.IssueClient("admin", ec);
        var env = Env().With(Home, Kubeconfig(
            Cluster("c", "https://c:6443", "insecure-skip-tls-verify: true"),
            User("u", $"client-certificate-data: {B64(certPem)}\n    client-key-data: {B64(keyPem)}"),
            Context("ctx", "c", "u"), current: "ctx"));

        var config = KubeConfigLoader.Load(env: env);

        Assert.True(config.ClientCertificate!.HasPrivateKey);
        Assert.True(config.InsecureSkipTlsVerify);
        Assert.Null(config.Token);
    }

    [Fact]
    public void Explicit_path_wins_over_KUBECONFIG_and_in_cluster()
    {
        var env = Env()
            .WithVariable("KUBECONFIG", "/nope")
            .WithVariable("KUBERNETES_SERVICE_HOST", "10.0.0.1")
            .WithVariable("KUBERNETES_SERVICE_PORT", "443")
            .With("/x", Kubeconfig(Cluster("c", "https://x:1"), User("u", "token: t"), Context("ctx", "c", "u"), current: "ctx"));

        Assert.Equal("https://x:1/", KubeConfigLoader.Load(new KubeConfigLoadOptions { Path = "/x" }, env).Server.ToString());
    }

    [Fact]
    public void In_cluster_wins_over_home_but_not_over_KUBECONFIG()
    {
        var env = InClusterEnv().With(Home, Kubeconfig(Cluster("c", "https://home:1"), User("u", "token: t"), Context("ctx", "c", "u"), current: "ctx"));

        Assert.Equal("https://10.96.0.1/", KubeConfigLoader.Load(env: env).Server.ToString());

        env.WithVariable("KUBECONFIG", Home);
        Assert.Equal("https://home:1/", KubeConfigLoader.Load(env: env).Server.ToString());
    }

    [Fact]
    public void In_cluster_reads_the_service_account_files()
    {
        var config = KubeConfigLoader.LoadInCluster(InClusterEnv());

        Assert.Equal(new Uri("https://10.96.0.1:443"), config.Server);
        Assert.Equal("sa-token", config.Token);
        Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount/token", config.TokenFile);
        Assert.Equal("operators", config.Namespace);
        Assert.Single(config.CertificateAuthorities!);
        Assert.Equal("in-cluster service account", config.Source);
    }

    [Fact]
    public void In_cluster_brackets_ipv6_hosts_and_prefers_POD_NAMESPACE()
    {
        var env = InClusterEnv().WithVariable("KUBERNETES_SERVICE_HOST", "fd00::1").WithVariable("POD_NAMESPACE", "from-env");

        var config = KubeConfigLoader.LoadInCluster(env);

        Assert.Equal("https://[fd00::1]/", config.Server.ToString());
        Assert.Equal("from-env", config.Namespace);
    }

    [Fact]
    public void In_cluster_without_a_token_file_says_so()
    {
        var env = InClusterEnv();
        env.Files.Remove("/var/run/secrets/kubernetes.io/serviceaccount/token");

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.LoadInCluster(env));

        Assert.StartsWith("in-cluster: cannot read the service-account token /var/run/secrets/kubernetes.io/serviceaccount/token", error.Message);
    }

    public static TheoryData<string, string> Broken => new()
    {
        {
            Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), Context("dev", "x", "u"), current: "dev"),
            "~/.kube/config: context \"dev\" references cluster \"x\" which is not defined"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), Context("dev", "c", "ghost"), current: "dev"),
            "~/.kube/config: context \"dev\" references user \"ghost\" which is not defined"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1"), User("u", "client-certificate-data: AAAA\n    client-key-data: not*base64"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: users[0].user.client-key-data: not valid base64"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1", "certificate-authority-data: '%%%'"), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: clusters[0].cluster.certificate-authority-data: not valid base64"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1", $"certificate-authority-data: {B64("hello")}"), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: clusters[0].cluster.certificate-authority-data: not a valid PEM certificate"
        },
        {
            Kubeconfig(Cluster("c", "", ""), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: clusters[0].cluster.server: missing"
        },
        {
            Kubeconfig(Cluster("c", "ftp://c"), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: clusters[0].cluster.server: \"ftp://c\" is not an http:// or https:// URL"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), Context("dev", "c", "u")),
            "~/.kube/config: current-context is not set and no context was chosen"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), Context("dev", "c", "u"), current: "prod"),
            "~/.kube/config: current-context \"prod\" is not defined"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1", "certificate-authority: /nowhere/ca.crt"), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: clusters[0].cluster.certificate-authority: cannot read \"/nowhere/ca.crt\""
        },
        {
            Kubeconfig(Cluster("c", "https://c:1", "insecure-skip-tls-verify: maybe"), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: clusters[0].cluster.insecure-skip-tls-verify: \"maybe\" is not true or false"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1"), User("u", $"client-certificate-data: {B64("x")}"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: users[0].user: client-certificate is set but client-key(-data) is missing"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1"), User("u", "exec:\n      command: aws"), Context("dev", "c", "u"), current: "dev"),
            "~/.kube/config: users[0].user.exec: credential plugins are not supported"
        },
        {
            Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), "- context: {cluster: c}", current: "dev"),
            "~/.kube/config: contexts[0].name: missing"
        },
        {
            "clusters: [\n  - name: a\n    cluster: {server: https://a\n",
            "~/.kube/config: invalid YAML at line"
        },
        {
            "clusters: 5\n",
            "~/.kube/config: clusters: expected a list"
        },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_kubeconfig_names_the_file_and_the_field(string yaml, string expectedStart)
    {
        var env = Env().With(Home, yaml);

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(env: env));

        Assert.StartsWith(expectedStart, error.Message);
    }

    [Fact]
    public void Insecure_skip_with_a_certificate_authority_is_refused()
    {
        using var pki = new TestPki();
        var env = Env().With(Home, Kubeconfig(
            Cluster("c", "https://c:1", $"insecure-skip-tls-verify: true\n    certificate-authority-data: {B64(pki.CaPem)}"),
            User("u", "token: t"), Context("dev", "c", "u"), current: "dev"));

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(env: env));

        Assert.Equal("~/.kube/config: clusters[0].cluster: insecure-skip-tls-verify cannot be combined with a certificate authority", error.Message);
    }

    [Fact]
    public void A_client_key_that_does_not_match_the_certificate_is_refused()
    {
        using var pki = new TestPki();
        var (certPem, _) = pki.IssueClient("a", ec: false);
        var (_, otherKey) = pki.IssueClient("b", ec: false);
        var env = Env().With(Home, Kubeconfig(
            Cluster("c", "https://c:1"),
            User("u", $"client-certificate-data: {B64(certPem)}\n    client-key-data: {B64(otherKey)}"),
            Context("dev", "c", "u"), current: "dev"));

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(env: env));

        Assert.StartsWith("~/.kube/config: users[0].user: client certificate and key are not a usable PEM pair", error.Message);
    }

    [Fact]
    public void A_missing_explicit_file_is_an_error()
    {
        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(new KubeConfigLoadOptions { Path = "/home/dev/other" }, Env()));

        Assert.Equal("~/other: file does not exist", error.Message);
    }

    [Fact]
    public void No_configuration_anywhere_explains_where_it_looked()
    {
        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(env: Env()));

        Assert.Contains("KUBECONFIG is not set, ~/.kube/config does not exist", error.Message);
    }

    [Fact]
    public void KUBECONFIG_naming_only_missing_files_is_an_error()
    {
        var env = Env().WithVariable("KUBECONFIG", "/a:/b");

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(env: env));

        Assert.Equal("none of the kubeconfig files exist: /a, /b", error.Message);
    }

    [Fact]
    public void An_empty_kubeconfig_file_is_merged_as_nothing()
    {
        var env = Env()
            .WithVariable("KUBECONFIG", "/empty:/real")
            .With("/empty", "")
            .With("/real", Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"));

        Assert.Equal("https://c:1/", KubeConfigLoader.Load(env: env).Server.ToString());
    }

    [Fact]
    public void Printing_a_config_never_shows_secrets()
    {
        var config = new KubeClientConfig { Server = new Uri("https://k"), Token = "tok-123", Password = "pw-456", Username = "me" };

        var text = config.ToString();

        Assert.DoesNotContain("tok-123", text);
        Assert.DoesNotContain("pw-456", text);
        Assert.Contains("Token = set", text);
    }

    [Fact]
    public void A_user_without_credentials_is_anonymous()
    {
        var env = Env().With(Home, Kubeconfig(Cluster("c", "http://127.0.0.1:8080"), User("u", "{}"), Context("dev", "c", "u"), current: "dev"));

        var config = KubeConfigLoader.Load(env: env);

        Assert.Null(config.Token);
        Assert.Null(config.ClientCertificate);
    }

    private static FakeConfigEnvironment InClusterEnv()
    {
        using var pki = new TestPki();
        return Env()
            .WithVariable("KUBERNETES_SERVICE_HOST", "10.96.0.1")
            .WithVariable("KUBERNETES_SERVICE_PORT", "443")
            .With("/var/run/secrets/kubernetes.io/serviceaccount/token", "sa-token\n")
            .With("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", pki.CaPem)
            .With("/var/run/secrets/kubernetes.io/serviceaccount/namespace", "operators");
    }
}
