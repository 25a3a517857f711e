using System.CommandLine;
using MlOperator.Operator.Hosting;
using Serilog.Events;

namespace MlOperator.Operator.UnitTests.Hosting;

public sealed class OperatorCliTests
{
    [Fact]
    public async Task Run_without_options_uses_the_documented_defaults()
    {
        var (exitCode, options, _) = await InvokeRunAsync("run");

        Assert.Equal(0, exitCode);
        Assert.Equal(new OperatorOptions(), options);
        Assert.Null(options!.WatchNamespace);
        Assert.Equal(LogFormat.Json, options.LogFormat);
        Assert.Equal(LogEventLevel.Information, options.LogLevel);
        Assert.Equal(new ListenAddress("0.0.0.0", 8080), options.MetricsAddress);
        Assert.True(options.LeaderElect);
    }

    [Fact]
    public async Task Run_binds_every_option()
    {
        var (_, options, _) = await InvokeRunAsync(
            "run", "--kubeconfig", "/tmp/kc", "--context", "dev", "-n", "risk", "--log-format", "text", "--log-level", "debug",
            "--metrics-address", "[::1]:9090", "--leader-elect", "false", "--lease-namespace", "ops", "--lease-name", "lock");

        Assert.Equal(new OperatorOptions
        {
            KubeconfigPath = "/tmp/kc",
            Context = "dev",
            WatchNamespace = "risk",
            LogFormat = LogFormat.Text,
            LogLevel = LogEventLevel.Debug,
            MetricsAddress = new ListenAddress("::1", 9090),
            LeaderElect = false,
            LeaseNamespace = "ops",
            LeaseName = "lock",
        }, options);
        Assert.Equal("http://[::1]:9090", options!.MetricsAddress.ToUrl());
    }

    [Theory]
    [InlineData("--log-format", "xml", "'xml'")]
    [InlineData("--log-level", "loud", "--log-level: 'loud'")]
    [InlineData("--metrics-address", "8080", "--metrics-address: '8080' is not HOST:PORT")]
    [InlineData("--metrics-address", "0.0.0.0:99999", "the port must be a number from 0 to 65535")]
    [InlineData("--metrics-address", "bad host:80", "'bad host' is not an IP address or host name")]
    [InlineData("--leader-elect", "maybe", "maybe")]
    [InlineData("--no-such-option", "x", "--no-such-option")]
    public async Task Bad_options_fail_with_a_message_naming_them_and_do_not_run(string option, string value, string expected)
    {
        var (exitCode, options, errors) = await InvokeRunAsync("run", option, value);

        Assert.NotEqual(0, exitCode);
        Assert.Null(options);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
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

    private static async Task<(int ExitCode, OperatorOptions? Options, string Errors)> InvokeRunAsync(params string[] args)
    {
        OperatorOptions? captured = null;
        var command = OperatorCli.Create(
            (options, _) =>
            {
                captured = options;
                return Task.FromResult(0);
            },
            (_, _) => Task.FromResult(0));
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = await command.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = errors });

        return (exitCode, captured, errors.ToString());
    }
}
