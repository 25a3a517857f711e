using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlOperator.Operator.Kube.Config;

/// <summary>
/// Finds and reads client configuration the way kubectl and controller-runtime do: an explicit path, else KUBECONFIG
/// (several files merged), else in-cluster service-account config, else ~/.kube/config.
/// </summary>
public static class KubeConfigLoader
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static KubeClientConfig Load(KubeConfigLoadOptions? options = null, IKubeConfigEnvironment? env = null)
    {
        env ??= SystemKubeConfigEnvironment.Instance;
        options ??= new KubeConfigLoadOptions();

        if (!string.IsNullOrWhiteSpace(options.Path))
        {
            return LoadKubeConfig([options.Path], options.Context, options.Namespace, env);
        }

        var fromEnv = env.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return LoadKubeConfig(fromEnv.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                options.Context, options.Namespace, env);
        }

        // A named context only makes sense in a kubeconfig, so it skips in-cluster config (controller-runtime's order otherwise).
        if (options.Context is null && IsInCluster(env))
        {
            var inCluster = LoadInCluster(env);
            return options.Namespace is null ? inCluster : inCluster with { Namespace = options.Namespace };
        }

        var home = DefaultKubeConfigPath(env);
        if (home is not null && env.FileExists(home))
        {
            return LoadKubeConfig([home], options.Context, options.Namespace, env);
        }

        throw new KubeConfigException(
            "no Kubernetes configuration found: KUBECONFIG is not set, ~/.kube/config does not exist, and this is not a pod (KUBERNETES_SERVICE_HOST is not set)");
    }

    public static string? DefaultKubeConfigPath(IKubeConfigEnvironment? env = null)
    {
        var home = (env ?? SystemKubeConfigEnvironment.Instance).HomeDirectory;
        return home is null ? null : Path.Combine(home, ".kube", "config");
    }

    public static bool IsInCluster(IKubeConfigEnvironment? env = null)
    {
        env ??= SystemKubeConfigEnvironment.Instance;
        return !string.IsNullOrEmpty(env.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
            && !string.IsNullOrEmpty(env.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT"));
    }

    /// <summary>
    /// The pod's service account: KUBERNETES_SERVICE_HOST/PORT and the token, CA and namespace files that kubelet mounts.
    /// </summary>
    public static KubeClientConfig LoadInCluster(IKubeConfigEnvironment? env = null)
    {
        env ??= SystemKubeConfigEnvironment.Instance;
        var host = env.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = env.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set");
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber is < 1 or > 65535)
        {
            throw new KubeConfigException($"in-cluster: KUBERNETES_SERVICE_PORT: \"{port}\" is not a port number");
        }

        var hostPart = host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
        if (!Uri.TryCreate($"https://{hostPart}:{portNumber}", UriKind.Absolute, out var server))
        {
            throw new KubeConfigException($"in-cluster: KUBERNETES_SERVICE_HOST: \"{host}\" is not a host name or address");
        }

        var tokenPath = $"{ServiceAccountDirectory}/token";
        string token;
        try
        {
            token = env.ReadAllText(tokenPath).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"in-cluster: cannot read the service-account token {tokenPath}: {e.Message}", e);
        }

        // client-go goes on with the system roots when ca.crt is missing, so do we.
        var caPath = $"{ServiceAccountDirectory}/ca.crt";
        X509Certificate2Collection? ca = null;
        if (env.FileExists(caPath))
        {
            ca = ParseCertificates(ReadFileFor(env, caPath, "in-cluster", "ca.crt"), "in-cluster", caPath);
        }

        var ns = env.GetEnvironmentVariable("POD_NAMESPACE");
        var nsPath = $"{ServiceAccountDirectory}/namespace";
        if (string.IsNullOrWhiteSpace(ns) && env.FileExists(nsPath))
        {
            ns = ReadTextFor(env, nsPath, "in-cluster", "namespace").Trim();
        }

        return new KubeClientConfig
        {
            Server = server,
            Namespace = string.IsNullOrWhiteSpace(ns) ? "default" : ns,
            Token = token,
            TokenFile = tokenPath,
            CertificateAuthorities = ca,
            Source = "in-cluster service account",
        };
    }

    /// <summary>
    /// Reads and merges kubeconfig files with kubectl's rules: the first file to define a cluster, user or context name wins,
    /// and current-context comes from the first file that sets it. Missing files are skipped unless only one was named.
    /// </summary>
    public static KubeClientConfig LoadKubeConfig(IReadOnlyList<string> paths, string? context = null, string? namespaceOverride = null,
        IKubeConfigEnvironment? env = null)
    {
        env ??= SystemKubeConfigEnvironment.Instance;
        var merged = new MergedConfig();
        var read = new List<string>();
        foreach (var rawPath in paths)
        {
            var path = ExpandHome(rawPath, env);
            if (!env.FileExists(path))
            {
                if (paths.Count == 1)
                {
                    throw new KubeConfigException($"{Display(path, env)}: file does not exist");
                }

                continue;
            }

            read.Add(path);
            merged.Add(path, ParseFile(path, env), env);
        }

        if (read.Count == 0)
        {
            throw new KubeConfigException($"none of the kubeconfig files exist: {string.Join(", ", paths)}");
        }

        var files = string.Join(", ", read.Select(p => Display(p, env)));
        var contextName = context ?? merged.CurrentContext;
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubeConfigException($"{files}: current-context is not set and no context was chosen");
        }

        if (!merged.Contexts.TryGetValue(contextName, out var ctx))
        {
            var origin = context is null ? $"current-context \"{contextName}\"" : $"context \"{contextName}\"";
            throw new KubeConfigException($"{files}: {origin} is not defined");
        }

        var ctxFile = Display(ctx.File, env);
        var clusterName = OptionalString(ctx.Body, "cluster", ctx.FieldPath, ctxFile);
        if (string.IsNullOrEmpty(clusterName))
        {
            throw new KubeConfigException($"{ctxFile}: {ctx.FieldPath}.cluster: missing");
        }

        if (!merged.Clusters.TryGetValue(clusterName, out var cluster))
        {
            throw new KubeConfigException($"{ctxFile}: context \"{contextName}\" references cluster \"{clusterName}\" which is not defined");
        }

        var userName = OptionalString(ctx.Body, "user", ctx.FieldPath, ctxFile);
        Entry? user = null;
        if (!string.IsNullOrEmpty(userName) && !merged.Users.TryGetValue(userName, out user))
        {
            throw new KubeConfigException($"{ctxFile}: context \"{contextName}\" references user \"{userName}\" which is not defined");
        }

        var config = ReadCluster(cluster, env);
        if (user is not null)
        {
            config = ReadUser(user, config, env);
        }

        var ns = namespaceOverride ?? OptionalString(ctx.Body, "namespace", ctx.FieldPath, ctxFile);
        return config with
        {
            Namespace = string.IsNullOrEmpty(ns) ? "default" : ns,
            Source = $"kubeconfig {files}, context \"{contextName}\"",
        };
    }

    private static KubeClientConfig ReadCluster(Entry cluster, IKubeConfigEnvironment env)
    {
        var file = Display(cluster.File, env);
        var at = cluster.FieldPath;
        var serverText = OptionalString(cluster.Body, "server", at, file);
        if (string.IsNullOrEmpty(serverText))
        {
            throw new KubeConfigException($"{file}: {at}.server: missing");
        }

        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
        {
            throw new KubeConfigException($"{file}: {at}.server: \"{serverText}\" is not an http:// or https:// URL");
        }

        var insecure = OptionalBool(cluster.Body, "insecure-skip-tls-verify", at, file);
        X509Certificate2Collection? ca = null;
        if (OptionalString(cluster.Body, "certificate-authority-data", at, file) is { Length: > 0 } caData)
        {
            ca = ParseCertificates(DecodeBase64(caData, file, $"{at}.certificate-authority-data"), file, $"{at}.certificate-authority-data");
        }
        else if (OptionalString(cluster.Body, "certificate-authority", at, file) is { Length: > 0 } caFile)
        {
            var path = Resolve(caFile, cluster.Directory, env);
            ca = ParseCertificates(ReadFileFor(env, path, file, $"{at}.certificate-authority"), file, $"{at}.certificate-authority");
        }

        if (insecure && ca is not null)
        {
            throw new KubeConfigException($"{file}: {at}: insecure-skip-tls-verify cannot be combined with a certificate authority");
        }

        return new KubeClientConfig
        {
            Server = server,
            CertificateAuthorities = ca,
            InsecureSkipTlsVerify = insecure,
            TlsServerName = OptionalString(cluster.Body, "tls-server-name", at, file) is { Length: > 0 } tlsName ? tlsName : null,
        };
    }

    private static KubeClientConfig ReadUser(Entry user, KubeClientConfig config, IKubeConfigEnvironment env)
    {
        var file = Display(user.File, env);
        var at = user.FieldPath;

        var token = OptionalString(user.Body, "token", at, file);
        string? tokenFile = null;
        if (OptionalString(user.Body, "tokenFile", at, file) is { Length: > 0 } tokenPath)
        {
            tokenFile = Resolve(tokenPath, user.Directory, env);
            // client-go prefers an explicit token; the file then only serves refreshes it never does, so read it only when needed.
            if (string.IsNullOrEmpty(token))
            {
                token = ReadTextFor(env, tokenFile, file, $"{at}.tokenFile").Trim();
            }
            else
            {
                tokenFile = null;
            }
        }

        var certPem = ReadPem(user, "client-certificate", env);
        var keyPem = ReadPem(user, "client-key", env);
        X509Certificate2? clientCert = null;
        if (certPem is not null || keyPem is not null)
        {
            if (certPem is null)
            {
                throw new KubeConfigException($"{file}: {at}: client-key is set but client-certificate(-data) is missing");
            }

            if (keyPem is null)
            {
                throw new KubeConfigException($"{file}: {at}: client-certificate is set but client-key(-data) is missing");
            }

            clientCert = CreateClientCertificate(certPem, keyPem, file, at);
        }

        var username = OptionalString(user.Body, "username", at, file);
        var password = OptionalString(user.Body, "password", at, file);

        if (string.IsNullOrEmpty(token) && clientCert is null && string.IsNullOrEmpty(username))
        {
            foreach (var plugin in new[] { "exec", "auth-provider" })
            {
                if (user.Body.Children.ContainsKey(plugin))
                {
                    throw new KubeConfigException(
                        $"{file}: {at}.{plugin}: credential plugins are not supported; use a token, tokenFile or client certificate");
                }
            }
        }

        return config with
        {
            Token = string.IsNullOrEmpty(token) ? null : token,
            TokenFile = tokenFile,
            ClientCertificate = clientCert,
            Username = string.IsNullOrEmpty(username) ? null : username,
            Password = string.IsNullOrEmpty(password) ? null : password,
        };
    }

    /// <summary>The "-data" field (base64 PEM) wins over the file field, as in client-go.</summary>
    private static string? ReadPem(Entry user, string field, IKubeConfigEnvironment env)
    {
        var file = Display(user.File, env);
        var at = user.FieldPath;
        if (OptionalString(user.Body, $"{field}-data", at, file) is { Length: > 0 } data)
        {
            return System.Text.Encoding.UTF8.GetString(DecodeBase64(data, file, $"{at}.{field}-data"));
        }

        if (OptionalString(user.Body, field, at, file) is { Length: > 0 } path)
        {
            return ReadTextFor(env, Resolve(path, user.Directory, env), file, $"{at}.{field}");
        }

        return null;
    }

    private static X509Certificate2 CreateClientCertificate(string certPem, string keyPem, string file, string at)
    {
        try
        {
            var cert = X509Certificate2.CreateFromPem(certPem, keyPem);
            if (!OperatingSystem.IsWindows())
            {
                return cert;
            }

            // SChannel cannot present an ephemeral key; a PKCS#12 round trip gives it a persisted one.
            using (cert)
            {
                return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
            }
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException($"{file}: {at}: client certificate and key are not a usable PEM pair (RSA or EC): {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new KubeConfigException($"{file}: {at}: client certificate and key are not a usable PEM pair (RSA or EC): {e.Message}", e);
        }
    }

    internal static X509Certificate2Collection ParseCertificates(byte[] content, string file, string field)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(content);
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                collection.ImportFromPem(text);
            }
            else
            {
                collection.Add(X509CertificateLoader.LoadCertificate(content));
            }
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException($"{file}: {field}: not a valid PEM certificate: {e.Message}", e);
        }

        if (collection.Count == 0)
        {
            throw new KubeConfigException($"{file}: {field}: contains no PEM certificate");
        }

        return collection;
    }

    private static byte[] DecodeBase64(string value, string file, string field)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException e)
        {
            throw new KubeConfigException($"{file}: {field}: not valid base64", e);
        }
    }

    private static byte[] ReadFileFor(IKubeConfigEnvironment env, string path, string file, string field) =>
        System.Text.Encoding.UTF8.GetBytes(ReadTextFor(env, path, file, field));

    private static string ReadTextFor(IKubeConfigEnvironment env, string path, string file, string field)
    {
        try
        {
            return env.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{file}: {field}: cannot read \"{path}\": {e.Message}", e);
        }
    }

    private static string? OptionalString(YamlMappingNode map, string key, string at, string file)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return IsNull(scalar) ? null : scalar.Value;
        }

        throw new KubeConfigException($"{file}: {(at.Length == 0 ? key : $"{at}.{key}")}: expected a string");
    }

    private static bool OptionalBool(YamlMappingNode map, string key, string at, string file)
    {
        var text = OptionalString(map, key, at, file);
        return text switch
        {
            null or "" => false,
            _ when bool.TryParse(text, out var value) => value,
            _ => throw new KubeConfigException($"{file}: {at}.{key}: \"{text}\" is not true or false"),
        };
    }

    private static bool IsNull(YamlScalarNode node) =>
        node.Style == ScalarStyle.Plain && node.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static YamlMappingNode? ParseFile(string path, IKubeConfigEnvironment env)
    {
        string text;
        try
        {
            text = env.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{Display(path, env)}: cannot read: {e.Message}", e);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new KubeConfigException($"{Display(path, env)}: invalid YAML at line {e.Start.Line}: {e.Message}", e);
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        return stream.Documents[0].RootNode switch
        {
            YamlMappingNode map => map,
            YamlScalarNode scalar when IsNull(scalar) => null,
            _ => throw new KubeConfigException($"{Display(path, env)}: expected a kubeconfig mapping at the top level"),
        };
    }

    private static string Resolve(string path, string directory, IKubeConfigEnvironment env)
    {
        var expanded = ExpandHome(path, env);
        return Path.IsPathRooted(expanded) ? expanded : Path.GetFullPath(Path.Combine(directory, expanded));
    }

    private static string ExpandHome(string path, IKubeConfigEnvironment env) =>
        (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)) && env.HomeDirectory is { } home
            ? home + path[1..]
            : path;

    /// <summary>Paths in messages use ~ for the home directory, as users type them.</summary>
    private static string Display(string path, IKubeConfigEnvironment env)
    {
        var home = env.HomeDirectory?.TrimEnd('/');
        return home is { Length: > 0 } && path.StartsWith(home + "/", StringComparison.Ordinal) ? "~" + path[home.Length..] : path;
    }

    private sealed record Entry(YamlMappingNode Body, string File, string Directory, string FieldPath);

    private sealed class MergedConfig
    {
        public Dictionary<string, Entry> Clusters { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Entry> Users { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Entry> Contexts { get; } = new(StringComparer.Ordinal);
        public string? CurrentContext { get; private set; }

        public void Add(string path, YamlMappingNode? root, IKubeConfigEnvironment env)
        {
            if (root is null)
            {
                return;
            }

            var file = Display(path, env);
            var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
            if (string.IsNullOrEmpty(CurrentContext) && OptionalString(root, "current-context", "", file) is { Length: > 0 } current)
            {
                CurrentContext = current;
            }

            AddList(root, "clusters", "cluster", Clusters, path, directory, file);
            AddList(root, "users", "user", Users, path, directory, file);
            AddList(root, "contexts", "context", Contexts, path, directory, file);
        }

        private static void AddList(YamlMappingNode root, string listKey, string bodyKey, Dictionary<string, Entry> into,
            string path, string directory, string file)
        {
            if (!root.Children.TryGetValue(new YamlScalarNode(listKey), out var listNode)
                || listNode is YamlScalarNode scalar && IsNull(scalar))
            {
                return;
            }

            if (listNode is not YamlSequenceNode list)
            {
                throw new KubeConfigException($"{file}: {listKey}: expected a list");
            }

            for (var i = 0; i < list.Children.Count; i++)
            {
                var at = $"{listKey}[{i}]";
                if (list.Children[i] is not YamlMappingNode item)
                {
                    throw new KubeConfigException($"{file}: {at}: expected a mapping with name and {bodyKey}");
                }

                var name = OptionalString(item, "name", at, file);
                if (string.IsNullOrEmpty(name))
                {
                    throw new KubeConfigException($"{file}: {at}.name: missing");
                }

                var body = item.Children.TryGetValue(new YamlScalarNode(bodyKey), out var bodyNode) ? bodyNode : null;
                var map = body switch
                {
                    YamlMappingNode m => m,
                    null => new YamlMappingNode(),
                    YamlScalarNode s when IsNull(s) => new YamlMappingNode(),
                    _ => throw new KubeConfigException($"{file}: {at}.{bodyKey}: expected a mapping"),
                };

                // kubectl's merge: the first file that defines a name keeps it.
                into.TryAdd(name, new Entry(map, path, directory, $"{at}.{bodyKey}"));
            }
        }
    }
}
