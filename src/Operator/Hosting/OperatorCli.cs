using System.CommandLine;
using System.CommandLine.Parsing;
using Serilog.Events;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// The command line: <c>run</c> (the operator) and <c>generate crds</c>. Actions are passed in, so the
/// composition root decides what they do and tests can check parsing without starting anything.
/// </summary>
public static class OperatorCli
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

    public static RootCommand Create(
        Func<OperatorOptions, CancellationToken, Task<int>> run,
        Func<string, CancellationToken, Task<int>> generateCrds)
    {
        var defaults = new OperatorOptions();
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "Path to a kubeconfig file (default: KUBECONFIG, in-cluster config, then ~/.kube/config)",
            HelpName = "PATH",
        };
        var context = new Option<string?>("--context") { Description = "The kubeconfig context to use", HelpName = "NAME" };
        var watchNamespace = new Option<string?>("--namespace", "-n")
        {
            Description = "Watch only this namespace (default: all namespaces)",
            HelpName = "NS",
        };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "Log line format",
            DefaultValueFactory = _ => "json",
        };
        logFormat.AcceptOnlyFromAmong("json", "text");
        var logLevel = new Option<string>("--log-level")
        {
            Description = "Minimum log level",
            HelpName = "trace|debug|info|warn|error|fatal",
            DefaultValueFactory = _ => "info",
        };
        logLevel.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!LogLevels.ContainsKey(value))
            {
                result.AddError($"--log-level: '{value}' is not one of trace, debug, info, warn, error, fatal");
            }
        });
        var metricsAddress = new Option<ListenAddress>("--metrics-address")
        {
            Description = "HOST:PORT serving /metrics, /healthz and /readyz",
            HelpName = "HOST:PORT",
            DefaultValueFactory = _ => defaults.MetricsAddress,
            CustomParser = ParseListenAddress,
        };
        var leaderElect = new Option<bool>("--leader-elect")
        {
            Description = "Run controllers only while holding the leader Lease",
            HelpName = "true|false",
            DefaultValueFactory = _ => defaults.LeaderElect,
        };
        var leaseNamespace = new Option<string?>("--lease-namespace")
        {
            Description = "Namespace of the leader Lease (default: the kubeconfig context's or the pod's namespace)",
            HelpName = "NS",
        };
        var leaseName = new Option<string>("--lease-name")
        {
            Description = "Name of the leader Lease",
            HelpName = "NAME",
            DefaultValueFactory = _ => defaults.LeaseName,
        };

        var runCommand = new Command("run", "Run the operator")
        {
            kubeconfig, context, watchNamespace, logFormat, logLevel, metricsAddress, leaderElect, leaseNamespace, leaseName,
        };
        runCommand.SetAction((parse, ct) => run(new OperatorOptions
        {
            KubeconfigPath = parse.GetValue(kubeconfig),
            Context = parse.GetValue(context),
            WatchNamespace = parse.GetValue(watchNamespace),
            LogFormat = parse.GetValue(logFormat) == "text" ? LogFormat.Text : LogFormat.Json,
            LogLevel = LogLevels[parse.GetValue(logLevel)!],
            MetricsAddress = parse.GetValue(metricsAddress)!,
            LeaderElect = parse.GetValue(leaderElect),
            LeaseNamespace = parse.GetValue(leaseNamespace),
            LeaseName = parse.GetValue(leaseName)!,
        }, ct));

        var output = new Option<string>("--output", "-o")
        {
            Description = "Directory to write the CRD YAML files to",
            HelpName = "DIR",
            DefaultValueFactory = _ => "config/crds",
        };
        var crdsCommand = new Command("crds", "Write the CustomResourceDefinitions generated from the API types") { output };
        crdsCommand.SetAction((parse, ct) => generateCrds(parse.GetValue(output)!, ct));

        return new RootCommand("MlOperator: serves ONNX models on Kubernetes from ModelDeployment resources")
        {
            runCommand,
            new Command("generate", "Generate files from the C# types") { crdsCommand },
        };
    }

    private static ListenAddress? ParseListenAddress(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
        if (ListenAddress.TryParse(text, out var address, out var error))
        {
            return address;
        }

        result.AddError($"--metrics-address: {error}");
        return null;
    }
}
