using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Net;
using System.Text;
using k8s.Models;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Connection;

/// <summary>
/// Where the configuration comes from and how a bad one is reported. Parsing, authentication modes and TLS belong
/// to KubernetesClient's <c>KubernetesClientConfiguration</c>; these tests pin what we add on top of it.
/// </summary>
public sealed class KubeConnectionLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlop-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Home => Path.Combine(_dir, "home");

    private string File(string name, string yaml)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, yaml);
        return path;
    }

    private KubeConnectionOptions Options(string? kubeconfig = null, string? context = null, string? path = null, bool inCluster = false) =>
        new() { KubeconfigVariable = kubeconfig ?? "", Home = Home, InCluster = inCluster, Context = context, Path = path };

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

    private static string Valid(string server = "https://c:6443", string token = "t", string? ns = null) =>
        Kubeconfig(Cluster("c", server), User("u", $"token: {token}"), Context("dev", "c", "u", ns), current: "dev");

    [Fact]
    public async Task An_exec_plugin_credential_is_sent_as_the_bearer_token()
    {
        // A client-go credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin): its ExecCredential
        // output is read by the library through our JSON metadata, so this pins that the metadata covers it.
        var plugin = File("plugin.sh", """
            #!/bin/sh
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-plugin"}}'
            """);
        var path = File("config", Kubeconfig(Cluster("c", "https://c:6443"),
            User("u", $"exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args: [{plugin}]\n      interactiveMode: Never"),
            Context("dev", "c", "u"), current: "dev"));
        var handler = new FakeHttpHandler().Respond(HttpStatusCode.OK, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}""");

        using var client = KubeClient.Create(KubeConnectionLoader.Load(Options(path: path)), new KubeClientOptions { Qps = 0 }, transport: handler);
        await client.GetAsync<V1ConfigMap>("cfg", "team");

        Assert.Equal("Bearer from-plugin", Assert.Single(handler.Requests).Authorization);
    }

    [Fact]
    public void Loads_the_current_context_from_home_with_server_token_and_namespace()
    {
        File("home/.kube/config", Valid(ns: "risk"));

        var connection = KubeConnectionLoader.Load(Options());

        Assert.Equal("https://c:6443/", connection.Server.ToString());
        Assert.Equal("t", connection.Configuration.AccessToken);
        Assert.Equal("risk", connection.Namespace);
        Assert.StartsWith($"kubeconfig {Path.Combine(Home, ".kube", "config")}, context \"dev\"", connection.Source);
    }

    [Fact]
    public void Merges_KUBECONFIG_files_first_definition_wins_and_current_context_comes_from_the_first_file_that_sets_it()
    {
        var one = File("a/one", Kubeconfig(Cluster("shared", "https://first:6443"), User("u", "token: first-token"), Context("c1", "shared", "u")));
        var two = File("b/two", Kubeconfig(Cluster("shared", "https://second:6443"), User("u", "token: second-token"),
            Context("c1", "other", "u") + "\n" + Context("c2", "shared", "u", "team"), current: "c1"));

        var connection = KubeConnectionLoader.Load(Options(kubeconfig: $"{one}:{Path.Combine(_dir, "missing")}:{two}"));

        Assert.Equal("https://first:6443/", connection.Server.ToString());
        Assert.Equal("first-token", connection.Configuration.AccessToken);
        Assert.Equal("default", connection.Namespace);
    }

    [Fact]
    public void A_context_only_the_second_file_defines_is_still_found()
    {
        var one = File("a/one", Kubeconfig(Cluster("shared", "https://first:6443"), current: "c2"));
        var two = File("b/two", Kubeconfig(users: User("u", "token: t"), contexts: Context("c2", "shared", "u", "team")));

        var connection = KubeConnectionLoader.Load(Options(kubeconfig: $"{one}:{two}"));

        Assert.Equal("https://first:6443/", connection.Server.ToString());
        Assert.Equal("team", connection.Namespace);
    }

    [Fact]
    public void A_named_context_overrides_the_current_one()
    {
        File("home/.kube/config", Kubeconfig(
            Cluster("a", "https://a:6443") + "\n" + Cluster("b", "http://b:8080"),
            User("u", "token: t"),
            Context("ca", "a", "u", "x") + "\n" + Context("cb", "b", "u", "y"),
            current: "ca"));

        var named = KubeConnectionLoader.Load(Options(context: "cb"));

        Assert.Equal("http://b:8080/", named.Server.ToString());
        Assert.Equal("y", named.Namespace);
    }

    [Fact]
    public void Explicit_path_wins_over_KUBECONFIG_and_in_cluster()
    {
        var explicitFile = File("explicit", Valid("https://explicit:1"));
        var variable = File("variable", Valid("https://variable:1"));

        var connection = KubeConnectionLoader.Load(Options(kubeconfig: variable, path: explicitFile, inCluster: true));

        Assert.Equal("https://explicit:1/", connection.Server.ToString());
    }

    [Fact]
    public void KUBECONFIG_wins_over_in_cluster_and_in_cluster_over_home()
    {
        File("home/.kube/config", Valid("https://home:1"));
        var variable = File("variable", Valid("https://variable:1"));

        Assert.Equal("https://variable:1/", KubeConnectionLoader.Load(Options(kubeconfig: variable, inCluster: true)).Server.ToString());
        // No service account files here, so in-cluster fails, which shows it was chosen before ~/.kube/config.
        var error = Assert.Throws<KubeConfigException>(() => KubeConnectionLoader.Load(Options(inCluster: true)));
        Assert.StartsWith("in-cluster configuration: ", error.Message);
    }

    public static TheoryData<string, string> Broken => new()
    {
        { Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), Context("dev", "c", "u"), current: "prod"), "current-context: " },
        { Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), Context("dev", "x", "u"), current: "dev"), "contexts[].context.cluster: " },
        { Kubeconfig(Cluster("c", "https://c:1"), User("u", "token: t"), Context("dev", "c", "ghost"), current: "dev"), "contexts[].context.user: " },
        { Kubeconfig(Cluster("c", "''"), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"), "clusters[].cluster.server: " },
        { Kubeconfig(Cluster("c", "https://c:1", "certificate-authority-data: '%%%'"), User("u", "token: t"), Context("dev", "c", "u"), current: "dev"),
            "certificate-authority-data / client-certificate-data / client-key-data: " },
        { Kubeconfig(Cluster("c", "https://c:1"), User("u", "exec:\n      args: [x]"), Context("dev", "c", "u"), current: "dev"), "users[].user.exec: " },
        { Kubeconfig(Cluster("c", "https://c:1"), "- name: u\n  user: {}", Context("dev", "c", "u"), current: "dev"), "users[].user: " },
        { "clusters: [\n  - name: a\n    cluster: {server: https://a\n", "YAML: not valid YAML at line" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_kubeconfig_names_the_file_and_the_field(string yaml, string expectedField)
    {
        var path = File("home/.kube/config", yaml);

        var error = Assert.Throws<KubeConfigException>(() => KubeConnectionLoader.Load(Options()));

        Assert.StartsWith($"{path}: {expectedField}", error.Message);
    }

    [Fact]
    public void Insecure_skip_with_a_certificate_authority_is_refused()
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest("CN=test-ca", key, HashAlgorithmName.SHA256);
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(ca.ExportCertificatePem()));
        var path = File("home/.kube/config", Kubeconfig(
            Cluster("c", "https://c:1", $"insecure-skip-tls-verify: true\n    certificate-authority-data: {caData}"),
            User("u", "token: t"), Context("dev", "c", "u"), current: "dev"));

        var error = Assert.Throws<KubeConfigException>(() => KubeConnectionLoader.Load(Options()));

        Assert.Equal($"{path}: clusters[].cluster: insecure-skip-tls-verify cannot be combined with a certificate authority", error.Message);
    }

    [Fact]
    public void A_missing_explicit_file_is_an_error()
    {
        var path = Path.Combine(_dir, "other");

        var error = Assert.Throws<KubeConfigException>(() => KubeConnectionLoader.Load(Options(path: path)));

        Assert.Equal($"{path}: the kubeconfig file does not exist", error.Message);
    }

    [Fact]
    public void No_configuration_anywhere_explains_where_it_looked()
    {
        var error = Assert.Throws<KubeConfigException>(() => KubeConnectionLoader.Load(Options()));

        Assert.Contains("KUBECONFIG unset, not in a cluster, and", error.Message);
    }

    [Fact]
    public void KUBECONFIG_naming_only_missing_files_is_an_error()
    {
        var error = Assert.Throws<KubeConfigException>(() => KubeConnectionLoader.Load(Options(kubeconfig: "/nowhere/a:/nowhere/b")));

        Assert.Equal("KUBECONFIG names no file that exists: /nowhere/a, /nowhere/b", error.Message);
    }

    [Fact]
    public void An_empty_kubeconfig_file_is_merged_as_nothing()
    {
        var empty = File("empty", "");
        var real = File("real", Valid("https://real:1"));

        Assert.Equal("https://real:1/", KubeConnectionLoader.Load(Options(kubeconfig: $"{empty}:{real}")).Server.ToString());
    }

    [Fact]
    public void An_empty_explicit_kubeconfig_file_is_an_error_naming_it()
    {
        var path = File("empty", "");

        var error = Assert.Throws<KubeConfigException>(() => KubeConnectionLoader.Load(Options(path: path)));

        Assert.Equal($"{path}: kubeconfig: the file is empty", error.Message);
    }

    [Fact]
    public void Relative_certificate_and_key_paths_resolve_against_the_kubeconfig_files_directory()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=operator", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File("conf/certs/client.crt", certificate.ExportCertificatePem());
        File("conf/certs/client.key", key.ExportPkcs8PrivateKeyPem());
        var path = File("conf/kubeconfig", Kubeconfig(Cluster("c", "https://c:1"),
            User("u", "client-certificate: certs/client.crt\n    client-key: certs/client.key"), Context("dev", "c", "u"), current: "dev"));

        // Loaded from elsewhere: the relative paths must not depend on the working directory.
        var connection = KubeConnectionLoader.Load(Options(path: path));

        Assert.Equal(Path.Combine(_dir, "conf", "certs", "client.crt"), connection.Configuration.ClientCertificateFilePath);
        Assert.Equal(Path.Combine(_dir, "conf", "certs", "client.key"), connection.Configuration.ClientKeyFilePath);
    }

    [Fact]
    public void Fields_the_kubeconfig_model_does_not_know_are_ignored()
    {
        var path = File("config", "preferences: {colors: true}\nfuture-field: [1, 2]\n" + Valid("https://c:1") +
            "\nextensions:\n  - name: x\n    extension: {any: thing}\n");

        var connection = KubeConnectionLoader.Load(Options(path: path));

        Assert.Equal("https://c:1/", connection.Server.ToString());
        Assert.Equal("t", connection.Configuration.AccessToken);
    }
}
