using System.Security.Cryptography;
using k8s;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using LibraryConfigException = k8s.Exceptions.KubeConfigException;

namespace MlOperator.Operator.Kube;

/// <summary>
/// Finds the cluster the way kubectl does, through the library's <see cref="KubernetesClientConfiguration"/>:
/// an explicit file, else KUBECONFIG (merged, first definition wins), else the in-cluster service account, else
/// ~/.kube/config. The library parses and authenticates (tokens, token files, client certificates, exec plugins,
/// OIDC); what we add is the order above and one message per failure that names the file and the field.
/// The file itself is read into the library's <see cref="K8SConfiguration"/> by <see cref="KubeConfigReader"/>, not by
/// <c>LoadKubeConfig</c>: that goes through <c>KubernetesYaml</c>, whose first use loads every model type the library
/// defines (5,900 types, ~45 MB of resident type metadata for the life of the process) to parse a dozen fields.
/// </summary>
public static class KubeConnectionLoader
{
    public static KubeConnection Load(KubeConnectionOptions? options = null)
    {
        options ??= new KubeConnectionOptions();
        if (!string.IsNullOrEmpty(options.Path))
        {
            return FromFiles([options.Path], options.Context, explicitPath: true);
        }

        var variable = options.KubeconfigVariable ?? Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(variable))
        {
            var paths = variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // An empty file merges as nothing (kubectl's rule); the library would fail to read it.
            var existing = paths.Where(p => File.Exists(p) && new FileInfo(p).Length > 0).ToArray();
            if (existing.Length == 0)
            {
                throw new KubeConfigException($"KUBECONFIG names no file that exists: {string.Join(", ", paths)}");
            }

            return FromFiles(existing, options.Context, explicitPath: false);
        }

        if (options.InCluster ?? KubernetesClientConfiguration.IsInCluster())
        {
            try
            {
                return new KubeConnection(KubernetesClientConfiguration.InClusterConfig(), "in-cluster service account");
            }
            catch (Exception e) when (e is LibraryConfigException or IOException or UnauthorizedAccessException)
            {
                throw new KubeConfigException($"in-cluster configuration: {e.Message}", e);
            }
        }

        var home = options.Home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var defaultPath = Path.Combine(home, ".kube", "config");
        if (File.Exists(defaultPath))
        {
            return FromFiles([defaultPath], options.Context, explicitPath: false);
        }

        throw new KubeConfigException(
            $"no Kubernetes configuration found: no --kubeconfig, KUBECONFIG unset, not in a cluster, and {defaultPath} does not exist");
    }

    private static KubeConnection FromFiles(string[] paths, string? context, bool explicitPath)
    {
        var file = string.Join(", ", paths);
        if (explicitPath && !File.Exists(paths[0]))
        {
            throw new KubeConfigException($"{file}: the kubeconfig file does not exist");
        }

        try
        {
            var merged = Read(paths[0]);
            foreach (var path in paths.Skip(1))
            {
                Merge(merged, Read(path));
            }

            var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, context);
            if (configuration.SkipTlsVerify && configuration.SslCaCerts is { Count: > 0 })
            {
                // kubectl refuses this pair too; the library would silently skip verification.
                throw new KubeConfigException(
                    $"{file}: clusters[].cluster: insecure-skip-tls-verify cannot be combined with a certificate authority");
            }

            return new KubeConnection(configuration, $"kubeconfig {file}, context \"{configuration.CurrentContext ?? context}\"");
        }
        catch (Exception e) when (e is LibraryConfigException or YamlException or FormatException or CryptographicException
            or NullReferenceException or InvalidOperationException or IOException)
        {
            throw new KubeConfigException($"{file}: {Field(e, context)}: {Describe(e)}", e);
        }
    }

    /// <summary>
    /// One kubeconfig file as the library's model, remembering where it came from: relative certificate, key and
    /// token-file paths resolve against the file's directory, as kubectl does.
    /// </summary>
    internal static K8SConfiguration Read(string path)
    {
        using var reader = new StreamReader(path);
        var configuration = KubeConfigReader.Read(reader)
            ?? throw new LibraryConfigException("the file is empty");
        configuration.FileName = Path.GetFullPath(path);
        return configuration;
    }

    /// <summary>
    /// KUBECONFIG's rule (the library's own merge is internal): the first file to define a name wins, and the
    /// current context comes from the first file that sets one.
    /// </summary>
    private static void Merge(K8SConfiguration into, K8SConfiguration from)
    {
        into.CurrentContext ??= from.CurrentContext;
        into.Clusters = MergeByName(into.Clusters, from.Clusters, c => c.Name);
        into.Users = MergeByName(into.Users, from.Users, u => u.Name);
        into.Contexts = MergeByName(into.Contexts, from.Contexts, c => c.Name);
    }

    private static List<T> MergeByName<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string> name)
    {
        var merged = new List<T>(first ?? []);
        var names = merged.Select(name).ToHashSet(StringComparer.Ordinal);
        merged.AddRange((second ?? []).Where(item => names.Add(name(item))));
        return merged;
    }

    /// <summary>The kubeconfig field a library failure is about (the library's messages say what, not where).</summary>
    internal static string Field(Exception e, string? context) => e switch
    {
        YamlException => "YAML",
        FormatException or CryptographicException => "certificate-authority-data / client-certificate-data / client-key-data",
        _ when Has(e, "CurrentContext:") || Has(e, "Cannot infer server host url") =>
            context is null ? "current-context" : "contexts (--context " + context + ")",
        _ when Has(e, "Cluster not set") || Has(e, "Cluster not found") => "contexts[].context.cluster",
        _ when Has(e, "Server not found") || Has(e, "Bad server host URL") => "clusters[].cluster.server",
        _ when Has(e, "User not found") => "contexts[].context.user",
        _ when Has(e, "External command") || Has(e, "external exec") || NativeExec(e) => "users[].user.exec",
        _ when Has(e, "User credentials not found") || Has(e, "auth credentials") => "users[].user",
        _ => "kubeconfig",
    };

    private static string Describe(Exception e) => e switch
    {
        YamlException yaml => $"not valid YAML at line {yaml.Start.Line}, column {yaml.Start.Column}: {yaml.InnerException?.Message ?? yaml.Message}",
        _ when NativeExec(e) => "exec credential plugins run only in the JIT build of the operator (make run, or dotnet MlOperator.Operator.dll); "
            + "the native binary in the image cannot start them (the library passes them KUBERNETES_EXEC_INFO through reflection-based JSON)",
        _ => e.Message,
    };

    /// <summary>The library's exec plugin support serialises with reflection-based JSON, which the native binary lacks.</summary>
    private static bool NativeExec(Exception e) => e is InvalidOperationException && Has(e, "Reflection-based serialization has been disabled");

    private static bool Has(Exception e, string text) => e.Message.Contains(text, StringComparison.OrdinalIgnoreCase);
}
