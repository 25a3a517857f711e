using System.Globalization;
using System.Text.RegularExpressions;
using MlOperator.Operator.Api.V1Alpha1;
using Serilog.Events;
using YamlDotNet.RepresentationModel;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// Every setting of `run`, in one table: the CLI, the environment (MLOP_*), the optional config file, --help and the
/// README's table all come from it. Precedence: flag, then environment, then config file, then default.
/// </summary>
public static partial class OperatorSettings
{
    private static readonly Dictionary<string, LogEventLevel> LogLevels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trace"] = LogEventLevel.Verbose,
        ["verbose"] = LogEventLevel.Verbose,
        ["debug"] = LogEventLevel.Debug,
        ["info"] = LogEventLevel.Information,
        ["information"] = LogEventLevel.Information,
        ["warn"] = LogEventLevel.Warning,
        ["warning"] = LogEventLevel.Warning,
        ["error"] = LogEventLevel.Error,
        ["fatal"] = LogEventLevel.Fatal,
        ["critical"] = LogEventLevel.Fatal,
    };

    public static IReadOnlyList<OperatorSetting> All { get; } =
    [
        new("kubeconfig", "PATH", "Path to a kubeconfig file (default: KUBECONFIG, in-cluster config, then ~/.kube/config)", null,
            (o, v) => o with { KubeconfigPath = NonEmpty(v) }),
        new("context", "NAME", "The kubeconfig context to use", null, (o, v) => o with { Context = NonEmpty(v) }),
        new("watch-namespaces", "NS[,NS…]", "Namespaces to watch, comma-separated (default: all namespaces)", null,
            (o, v) => o with { WatchNamespaces = Namespaces(v) }, "--namespace", "-n"),
        new("workers", "N", "Concurrent reconciles", "8", (o, v) => o with { Workers = Integer(v, 1, 256) }),
        new("kube-api-qps", "N", "API requests per second the operator may send (client-side limit; 0: none, the API server's priority and fairness decides)", "0",
            (o, v) => o with { KubeApiQps = NonNegativeNumber(v) }),
        new("kube-api-burst", "N", "Requests allowed above --kube-api-qps in a burst", "100",
            (o, v) => o with { KubeApiBurst = Integer(v, 1, 100_000) }),
        new("metrics-scrape-timeout", "DURATION", "Canary analysis: how long one pod's /metrics may take to answer before the pod is left out",
            "2s", (o, v) => o with { PodMetrics = o.PodMetrics with { Timeout = Duration(v) } }),
        new("metrics-scrape-concurrency", "N", "Canary analysis: pods' /metrics scraped at once, across all ModelDeployments",
            "16", (o, v) => o with { PodMetrics = o.PodMetrics with { MaxConcurrency = Integer(v, 1, 1024) } }),
        new("metrics-address", "HOST:PORT", "Serves /metrics, /healthz and /readyz", "0.0.0.0:8080",
            (o, v) => o with { MetricsAddress = Address(v) }),
        new("health-address", "HOST:PORT", "A second listener for /healthz and /readyz, so probes never queue behind a scrape (default: none)", null,
            (o, v) => o with { HealthAddress = Address(v) }),
        new("log-format", "json|text", "Log line format", "json",
            (o, v) => o with { LogFormat = v switch { "json" => LogFormat.Json, "text" => LogFormat.Text, _ => throw Invalid(v, "is not json or text") } }),
        new("log-level", "trace|debug|info|warn|error|fatal", "Minimum log level", "info",
            (o, v) => o with { LogLevel = LogLevels.TryGetValue(v, out var level) ? level : throw Invalid(v, "is not one of trace, debug, info, warn, error, fatal") }),
        new("leader-elect", "true|false", "Run controllers only while holding the leader Lease", "true",
            (o, v) => o with { LeaderElect = Boolean(v) }),
        new("lease-namespace", "NS", "Namespace of the leader Lease (default: the pod's or the kubeconfig context's namespace)", null,
            (o, v) => o with { LeaseNamespace = Namespace(v) }),
        new("lease-name", "NAME", "Name of the leader Lease", OperatorOptions.DefaultLeaseName, (o, v) => o with { LeaseName = Name(v) }),
        new("lease-duration", "DURATION", "How long a leader's Lease lasts without renewal", "15s", (o, v) => o with { LeaseDuration = Duration(v) }),
        new("renew-deadline", "DURATION", "A leader that cannot renew for this long steps down", "10s", (o, v) => o with { RenewDeadline = Duration(v) }),
        new("retry-period", "DURATION", "Time between attempts to acquire or renew the Lease", "2s", (o, v) => o with { RetryPeriod = Duration(v) }),
        new("sidecar-image", "IMAGE", "Inference sidecar image for ModelDeployments that set no spec.runtime.image",
            ModelDeploymentDefaults.DefaultRuntimeImage, (o, v) => o with { ModelDefaults = o.ModelDefaults with { RuntimeImage = Image(v) } }),
        new("model-downloader-image", "IMAGE", "Image of the init container that runs `fetch` (default: the sidecar image)",
            null, (o, v) => o with { ModelDefaults = o.ModelDefaults with { ModelDownloaderImage = Image(v) } }),
        new("default-requests", "NAME=QTY[,…]", "Sidecar resource requests for ModelDeployments that set none",
            Pairs(ModelDeploymentDefaults.Default.Requests), (o, v) => o with { ModelDefaults = o.ModelDefaults with { Requests = Quantities(v) } }),
        new("default-limits", "NAME=QTY[,…]", "Sidecar resource limits for ModelDeployments that set none",
            Pairs(ModelDeploymentDefaults.Default.Limits), (o, v) => o with { ModelDefaults = o.ModelDefaults with { Limits = Quantities(v) } }),
    ];

    /// <summary>
    /// Options from defaults, then the config file, the environment and the flags (later wins); then the checks
    /// that span settings. Throws <see cref="OperatorSettingException"/> naming where the bad value came from.
    /// </summary>
    public static OperatorOptions Resolve(
        Func<OperatorSetting, string?> flag, Func<string, string?> environment, string? configFile)
    {
        var options = new OperatorOptions();
        var config = configFile is null ? new Dictionary<string, string>() : ReadConfigFile(configFile);
        foreach (var setting in All)
        {
            options = Apply(options, setting, config.GetValueOrDefault(setting.ConfigKey), $"{configFile}: {setting.ConfigKey}");
            options = Apply(options, setting, environment(setting.EnvironmentVariable), setting.EnvironmentVariable);
            options = Apply(options, setting, flag(setting), setting.Flag);
        }

        if (options.LeaseDuration <= options.RenewDeadline)
        {
            throw new OperatorSettingException($"--lease-duration ({options.LeaseDuration.TotalSeconds:0.###}s) must be longer than --renew-deadline ({options.RenewDeadline.TotalSeconds:0.###}s)");
        }

        if (options.RenewDeadline <= options.RetryPeriod)
        {
            throw new OperatorSettingException($"--renew-deadline ({options.RenewDeadline.TotalSeconds:0.###}s) must be longer than --retry-period ({options.RetryPeriod.TotalSeconds:0.###}s)");
        }

        return options;
    }

    private static OperatorOptions Apply(OperatorOptions options, OperatorSetting setting, string? value, string source)
    {
        if (value is null)
        {
            return options;
        }

        try
        {
            return setting.Bind(options, value.Trim());
        }
        catch (OperatorSettingException e)
        {
            throw new OperatorSettingException($"{source}: {e.Message}");
        }
    }

    /// <summary>A YAML map of camelCase keys to scalars, lists (joined with commas) or maps (joined as k=v).</summary>
    private static Dictionary<string, string> ReadConfigFile(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            throw new OperatorSettingException($"--config {path}: {e.Message}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0)
        {
            return values;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new OperatorSettingException($"--config {path}: expected a map of settings");
        }

        var known = All.Select(s => s.ConfigKey).ToHashSet(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!known.Contains(key))
            {
                throw new OperatorSettingException($"{path}: unknown setting '{key}' (known: {string.Join(", ", known)})");
            }

            values[key] = valueNode switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                YamlSequenceNode list => string.Join(',', list.Children.Select(c => (c as YamlScalarNode)?.Value)),
                YamlMappingNode map => string.Join(',', map.Children.Select(p => $"{(p.Key as YamlScalarNode)?.Value}={(p.Value as YamlScalarNode)?.Value}")),
                _ => throw new OperatorSettingException($"{path}: {key}: unsupported value"),
            };
        }

        return values;
    }

    private static OperatorSettingException Invalid(string value, string why) => new($"'{value}' {why}");

    private static string NonEmpty(string value) => value.Length > 0 ? value : throw Invalid(value, "is empty");

    private static int Integer(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Invalid(value, $"is not a whole number from {min} to {max}");

    private static double NonNegativeNumber(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && double.IsFinite(n)
            ? n
            : throw Invalid(value, "is not a number of 0 or more");

    private static bool Boolean(string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Invalid(value, "is not true or false"),
    };

    private static TimeSpan Duration(string value) =>
        DurationValue.TryParse(value, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw Invalid(value, "is not a duration such as 500ms, 15s or 1m");

    private static ListenAddress Address(string value) =>
        ListenAddress.TryParse(value, out var address, out var error) ? address! : throw new OperatorSettingException(error!);

    private static string Namespace(string value) =>
        DnsLabel().IsMatch(value) ? value : throw Invalid(value, "is not a namespace name (lower-case letters, digits and '-', at most 63)");

    private static string Name(string value) =>
        DnsSubdomain().IsMatch(value) ? value : throw Invalid(value, "is not a valid object name");

    private static IReadOnlyList<string> Namespaces(string value)
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return names.Length == 0 ? [] : names.Select(Namespace).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static string Image(string value) =>
        value.Length > 0 && !value.Any(char.IsWhiteSpace) ? value : throw Invalid(value, "is not an image reference");

    private static IReadOnlyDictionary<string, string> Quantities(string value)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = equals > 0 ? pair[..equals] : "";
            var quantity = equals > 0 ? pair[(equals + 1)..] : "";
            if (!ResourceName().IsMatch(name) || !Quantity().IsMatch(quantity))
            {
                throw Invalid(pair, "is not NAME=QUANTITY (for example cpu=500m or memory=1Gi)");
            }

            result[name] = quantity;
        }

        return result;
    }

    private static string Pairs(IReadOnlyDictionary<string, string> values) => string.Join(',', values.Select(p => $"{p.Key}={p.Value}"));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^([a-z0-9.-]+/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$")]
    private static partial Regex ResourceName();

    [GeneratedRegex("^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|Ki|Mi|Gi|Ti|Pi|Ei)?$")]
    private static partial Regex Quantity();
}
