using System.Globalization;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlOperator.Operator.Kube;

/// <summary>
/// Reads a kubeconfig file into the library's <see cref="K8SConfiguration"/> from YamlDotNet's node tree, field by
/// field under the names kubectl writes, without reflection: the operator is a native AOT binary, and the library's
/// model cannot go through YamlDotNet's static generator (an extension value is typed <c>dynamic</c>). Fields the
/// library does not model (preferences, extensions) are skipped, as the library's own reader skips unknown ones.
/// </summary>
internal static class KubeConfigReader
{
    public static K8SConfiguration? Read(TextReader reader)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return null;
        }

        var root = Map(stream.Documents[0].RootNode);
        return new K8SConfiguration
        {
            ApiVersion = Text(root, "apiVersion"),
            Kind = Text(root, "kind"),
            CurrentContext = Text(root, "current-context"),
            Clusters = Items(root, "clusters", n => new Cluster
            {
                Name = Text(n, "name"),
                ClusterEndpoint = Object(n, "cluster", c => new ClusterEndpoint
                {
                    Server = Text(c, "server"),
                    CertificateAuthority = Text(c, "certificate-authority"),
                    CertificateAuthorityData = Text(c, "certificate-authority-data"),
                    TlsServerName = Text(c, "tls-server-name"),
                    SkipTlsVerify = Flag(c, "insecure-skip-tls-verify"),
                }),
            }),
            Contexts = Items(root, "contexts", n => new Context
            {
                Name = Text(n, "name"),
                ContextDetails = Object(n, "context", c => new ContextDetails
                {
                    Cluster = Text(c, "cluster"),
                    User = Text(c, "user"),
                    Namespace = Text(c, "namespace"),
                }),
            }),
            Users = Items(root, "users", n => new User
            {
                Name = Text(n, "name"),
                UserCredentials = Object(n, "user", u => new UserCredentials
                {
                    ClientCertificateData = Text(u, "client-certificate-data"),
                    ClientCertificate = Text(u, "client-certificate"),
                    ClientKeyData = Text(u, "client-key-data"),
                    ClientKey = Text(u, "client-key"),
                    Token = Text(u, "token"),
                    Impersonate = Text(u, "as"),
                    ImpersonateGroups = Strings(u, "as-groups"),
                    ImpersonateUserExtra = StringMap(u, "as-user-extra"),
                    UserName = Text(u, "username"),
                    Password = Text(u, "password"),
                    AuthProvider = Object(u, "auth-provider", a => new AuthProvider { Name = Text(a, "name"), Config = StringMap(a, "config") }),
                    ExternalExecution = Object(u, "exec", e => new ExternalExecution
                    {
                        ApiVersion = Text(e, "apiVersion"),
                        Command = Text(e, "command"),
                        Arguments = Strings(e, "args"),
                        EnvironmentVariables = Items(e, "env", v => StringMap(v) ?? []),
                        InstallHint = Text(e, "installHint"),
                        ProvideClusterInfo = Flag(e, "provideClusterInfo"),
                    }),
                }),
            }),
        };
    }

    private static YamlNode? Field(YamlMappingNode node, string name) =>
        node.Children.TryGetValue(new YamlScalarNode(name), out var value) && !IsNull(value) ? value : null;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static YamlMappingNode Map(YamlNode node) =>
        node as YamlMappingNode ?? throw Unexpected(node, "a mapping");

    private static string? Text(YamlMappingNode node, string name) => Field(node, name) switch
    {
        null => null,
        YamlScalarNode scalar => scalar.Value,
        var other => throw Unexpected(other, $"a single value for {name}"),
    };

    private static bool Flag(YamlMappingNode node, string name)
    {
        var text = Text(node, name);
        return text is null ? false : text.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw Unexpected(Field(node, name)!, $"true or false for {name}, not '{text}'"),
        };
    }

    private static T? Object<T>(YamlMappingNode node, string name, Func<YamlMappingNode, T> read) where T : class =>
        Field(node, name) is { } value ? read(Map(value)) : null;

    private static List<T>? Items<T>(YamlMappingNode node, string name, Func<YamlMappingNode, T> read) => Field(node, name) switch
    {
        null => null,
        YamlSequenceNode sequence => [.. sequence.Children.Select(item => read(Map(item)))],
        var other => throw Unexpected(other, $"a list for {name}"),
    };

    private static List<string>? Strings(YamlMappingNode node, string name) => Field(node, name) switch
    {
        null => null,
        YamlSequenceNode sequence => [.. sequence.Children.Select(item => (item as YamlScalarNode)?.Value ?? throw Unexpected(item, $"a single value in {name}"))],
        var other => throw Unexpected(other, $"a list for {name}"),
    };

    private static Dictionary<string, string>? StringMap(YamlMappingNode node, string name) =>
        Field(node, name) is { } value ? StringMap(Map(value)) : null;

    private static Dictionary<string, string>? StringMap(YamlMappingNode node) =>
        node.Children.ToDictionary(
            p => (p.Key as YamlScalarNode)?.Value ?? throw Unexpected(p.Key, "a single-value key"),
            p => p.Value switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                // as-user-extra maps a key to a list of values; the library's model keeps one string per key.
                YamlSequenceNode list => string.Join(",", list.Children.OfType<YamlScalarNode>().Select(s => s.Value)),
                var other => throw Unexpected(other, "a single value"),
            },
            StringComparer.Ordinal);

    private static YamlException Unexpected(YamlNode node, string expected) =>
        new(node.Start, node.End, string.Create(CultureInfo.InvariantCulture, $"expected {expected}"));
}
