using System.CommandLine;
using MlOperator.Operator.Hosting;
using Serilog.Events;

namespace MlOperator.Operator.UnitTests.Hosting;

public sealed class OperatorCliTests : IDisposable
{
    private readonly Dictionary<string, string> _environment = [];
    private readonly string _configFile = Path.GetTempFileName();

    public void Dispose() => File.Delete(_configFile);

    [Fact]
    public async Task Run_without_settings_uses_the_documented_defaults()
    {
        var (exitCode, options, _) = await InvokeRunAsync("run");

        Assert.Equal(0, exitCode);
        Assert.Empty(options!.WatchNamespaces);
        Assert.Equal(8, options.Workers);
        Assert.Equal(0, options.KubeApiQps);
        Assert.Equal(100, options.KubeApiBurst);
        Assert.Equal(LogFormat.Json, options.LogFormat);
        Assert.Equal(LogEventLevel.Information, options.LogLevel);
        Assert.Equal(new ListenAddress("0.0.0.0", 8080), options.MetricsAddress);
        Assert.Null(options.HealthAddress);
        Assert.True(options.LeaderElect);
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)), (options.LeaseDuration, options.RenewDeadline, options.RetryPeriod));
        Assert.Equal(new OperatorOptions().ModelDefaults, options.ModelDefaults);
    }

    [Fact]
    public async Task Every_default_in_help_is_the_value_run_uses()
    {
        var defaults = new OperatorOptions();
        foreach (var setting in OperatorSettings.All.Where(s => s.Default is not null))
        {
            var (_, options, errors) = await InvokeRunAsync("run", setting.Flag, setting.Default!);

            Assert.True(options is not null, errors);
            Assert.Equivalent(defaults, options);
        }
    }

    [Fact]
    public async Task Run_binds_every_flag()
    {
        var (_, options, errors) = await InvokeRunAsync(
            "run", "--kubeconfig", "/tmp/kc", "--context", "dev", "--watch-namespaces", "risk,fraud", "--workers", "3",
            "--kube-api-qps", "7.5", "--kube-api-burst", "9", "--log-format", "text", "--log-level", "debug",
            "--metrics-address", "[::1]:9090", "--health-address", "127.0.0.1:9091", "--leader-elect", "false", "--lease-namespace", "ops",
            "--lease-name", "lock", "--lease-duration", "30s", "--renew-deadline", "20s", "--retry-period", "500ms",
            "--sidecar-image", "registry.local/sidecar:1", "--model-downloader-image", "registry.local/fetch:1",
            "--default-requests", "cpu=2,memory=4Gi,nvidia.com/gpu=1", "--default-limits", "memory=8Gi");

        Assert.True(options is not null, errors);
        Assert.Equal("/tmp/kc", options.KubeconfigPath);
        Assert.Equal("dev", options.Context);
        Assert.Equal(["risk", "fraud"], options.WatchNamespaces);
        Assert.Equal((3, 7.5, 9), (options.Workers, options.KubeApiQps, options.KubeApiBurst));
        Assert.Equal((LogFormat.Text, LogEventLevel.Debug), (options.LogFormat, options.LogLevel));
        Assert.Equal("http://[::1]:9090", options.MetricsAddress.ToUrl());
        Assert.Equal(new ListenAddress("127.0.0.1", 9091), options.HealthAddress);
        Assert.Equal((false, "ops", "lock"), (options.LeaderElect, options.LeaseNamespace, options.LeaseName));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(500)), (options.LeaseDuration, options.RenewDeadline, options.RetryPeriod));
        Assert.Equal(("registry.local/sidecar:1", "registry.local/fetch:1"), (options.ModelDefaults.RuntimeImage, options.ModelDefaults.ModelDownloaderImage));
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "2", ["memory"] = "4Gi", ["nvidia.com/gpu"] = "1" }, options.ModelDefaults.Requests);
        Assert.Equal(new Dictionary<string, string> { ["memory"] = "8Gi" }, options.ModelDefaults.Limits);
    }

    [Fact]
    public async Task The_namespace_flag_of_earlier_releases_still_works() =>
        Assert.Equal(["risk"], (await InvokeRunAsync("run", "-n", "risk")).Options!.WatchNamespaces);

    [Fact]
    public async Task Flags_win_over_environment_which_wins_over_the_config_file()
    {
        File.WriteAllText(_configFile, "workers: 2\nkubeApiBurst: 11\nlogLevel: warn\nwatchNamespaces: [a, b]\ndefaultRequests: { cpu: 250m }\n");
        _environment["MLOP_KUBE_API_BURST"] = "22";
        _environment["MLOP_LOG_LEVEL"] = "error";

        var (_, options, errors) = await InvokeRunAsync("run", "--config", _configFile, "--log-level", "debug");

        Assert.True(options is not null, errors);
        Assert.Equal(2, options.Workers);                    // config file
        Assert.Equal(22, options.KubeApiBurst);              // environment over config file
        Assert.Equal(LogEventLevel.Debug, options.LogLevel); // flag over both
        Assert.Equal(["a", "b"], options.WatchNamespaces);
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "250m" }, options.ModelDefaults.Requests);
    }

    [Fact]
    public async Task The_config_file_can_come_from_the_environment()
    {
        File.WriteAllText(_configFile, "workers: 5\n");
        _environment["MLOP_CONFIG"] = _configFile;

        Assert.Equal(5, (await InvokeRunAsync("run")).Options!.Workers);
    }

    [Theory]
    [InlineData("--log-format", "xml", "fatal: --log-format: 'xml' is not json or text")]
    [InlineData("--log-level", "loud", "fatal: --log-level: 'loud' is not one of trace, debug, info, warn, error, fatal")]
    [InlineData("--metrics-address", "8080", "fatal: --metrics-address: '8080' is not HOST:PORT (for example 0.0.0.0:8080)")]
    [InlineData("--metrics-address", "0.0.0.0:99999", "the port must be a number from 0 to 65535")]
    [InlineData("--health-address", "bad host:80", "'bad host' is not an IP address or host name")]
    [InlineData("--leader-elect", "maybe", "fatal: --leader-elect: 'maybe' is not true or false")]
    [InlineData("--workers", "0", "fatal: --workers: '0' is not a whole number from 1 to 256")]
    [InlineData("--kube-api-qps", "-1", "fatal: --kube-api-qps: '-1' is not a number of 0 or more")]
    [InlineData("--watch-namespaces", "Team_A", "fatal: --watch-namespaces: 'Team_A' is not a namespace name")]
    [InlineData("--lease-duration", "soon", "fatal: --lease-duration: 'soon' is not a duration such as 500ms, 15s or 1m")]
    [InlineData("--renew-deadline", "20s", "fatal: --lease-duration (15s) must be longer than --renew-deadline (20s)")]
    [InlineData("--retry-period", "10s", "fatal: --renew-deadline (10s) must be longer than --retry-period (10s)")]
    [InlineData("--default-requests", "cpu", "fatal: --default-requests: 'cpu' is not NAME=QUANTITY (for example cpu=500m or memory=1Gi)")]
    [InlineData("--default-limits", "memory=lots", "'memory=lots' is not NAME=QUANTITY")]
    [InlineData("--sidecar-image", "", "fatal: --sidecar-image: '' is not an image reference")]
    [InlineData("--no-such-option", "x", "--no-such-option")]
    public async Task A_bad_flag_is_one_fatal_line_and_exit_2(string option, string value, string expected)
    {
        var (exitCode, options, errors) = await InvokeRunAsync("run", option, value);

        Assert.Equal(ExitCodes.ConfigurationError, exitCode);
        Assert.Null(options);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
        Assert.Single(errors.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_bad_environment_value_names_the_variable()
    {
        _environment["MLOP_WORKERS"] = "many";

        var (exitCode, _, errors) = await InvokeRunAsync("run");

        Assert.Equal(ExitCodes.ConfigurationError, exitCode);
        Assert.Equal("fatal: MLOP_WORKERS: 'many' is not a whole number from 1 to 256", errors.Trim());
    }

    [Theory]
    [InlineData("workers: many\n", ": workers: 'many' is not a whole number from 1 to 256")]
    [InlineData("wrokers: 3\n", ": unknown setting 'wrokers' (known: kubeconfig, context, watchNamespaces")]
    [InlineData("- a\n- b\n", ": expected a map of settings")]
    [InlineData("workers: [1\n", "--config ")]
    public async Task A_bad_config_file_names_the_file_and_the_key(string yaml, string expected)
    {
        File.WriteAllText(_configFile, yaml);

        var (exitCode, _, errors) = await InvokeRunAsync("run", "--config", _configFile);

        Assert.Equal(ExitCodes.ConfigurationError, exitCode);
        Assert.Contains(_configFile, errors);
        Assert.Contains(expected, errors);
    }

    [Fact]
    public async Task A_missing_config_file_is_a_fatal_line()
    {
        var (exitCode, _, errors) = await InvokeRunAsync("run", "--config", "/nonexistent/operator.yaml");

        Assert.Equal(ExitCodes.ConfigurationError, exitCode);
        Assert.StartsWith("fatal: --config /nonexistent/operator.yaml:", errors);
    }

    [Fact]
    public async Task Help_documents_every_setting_with_its_variable_and_default()
    {
        using var output = new StringWriter();
        var command = OperatorCli.Create((_, _) => Task.FromResult(0), (_, _) => Task.FromResult(0), _environment.GetValueOrDefault);

        await OperatorCli.InvokeAsync(command, ["run", "--help"], new InvocationConfiguration { Output = output, Error = TextWriter.Null });

        var help = output.ToString().Replace("\n", " ");
        foreach (var setting in OperatorSettings.All)
        {
            Assert.Contains(setting.Flag, help);
            Assert.Contains(setting.EnvironmentVariable, help);
        }

        Assert.Contains("[default: 8]", help);
        Assert.Contains("--config", help);
    }

    [Fact]
    public void The_README_table_lists_every_setting_with_its_variable_key_and_default()
    {
        var readme = File.ReadAllLines(Path.Combine(Fixtures.RepoPaths.Root, "README.md"));
        foreach (var setting in OperatorSettings.All)
        {
            var row = readme.SingleOrDefault(line => line.StartsWith($"| `{setting.Flag} ", StringComparison.Ordinal));
            Assert.True(row is not null, $"README has no row for {setting.Flag}");
            Assert.Contains($"`{setting.EnvironmentVariable}`", row);
            Assert.Contains($"`{setting.ConfigKey}`", row);
            Assert.Contains(setting.Default is null ? "| — |" : $"| `{setting.Default}` |", row);
        }
    }

    [Fact]
    public async Task Generate_crds_dispatches_the_output_directory()
    {
        string? written = null;
        var command = OperatorCli.Create(
            (_, _) => Task.FromResult(0),
            (directory, _) =>
            {
                written = directory;
                return Task.FromResult(0);
            });

        var exitCode = await command.Parse(["generate", "crds", "--output", "out/crds"]).InvokeAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal("out/crds", written);
    }

    private async Task<(int ExitCode, OperatorOptions? Options, string Errors)> InvokeRunAsync(params string[] args)
    {
        OperatorOptions? captured = null;
        var command = OperatorCli.Create(
            (options, _) =>
            {
                captured = options;
                return Task.FromResult(0);
            },
            (_, _) => Task.FromResult(0),
            _environment.GetValueOrDefault);
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = await OperatorCli.InvokeAsync(command, args, new InvocationConfiguration { Output = output, Error = errors });

        return (exitCode, captured, errors.ToString());
    }
}
