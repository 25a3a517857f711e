using System.CommandLine;
using MlOperator.Operator.Controllers;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// The command line: <c>run</c> (the operator, every setting from <see cref="OperatorSettings"/>) and
/// <c>generate crds</c>. Actions are passed in, so the composition root decides what they do and tests can check
/// parsing without starting anything. A bad setting, wherever it came from, is one line on stderr and exit 2.
/// </summary>
public static class OperatorCli
{
    public static RootCommand Create(
        Func<OperatorOptions, CancellationToken, Task<int>> run,
        Func<string, CancellationToken, Task<int>> generateCrds,
        Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var options = OperatorSettings.All.ToDictionary(s => s, s =>
        {
            var option = new Option<string?>(s.Flag, s.Aliases)
            {
                Description = $"{s.Description} [env {s.EnvironmentVariable}]" + (s.Default is null ? "" : $" [default: {s.Default}]"),
                HelpName = s.HelpName,
            };
            return option;
        });
        var config = new Option<string?>("--config")
        {
            Description = "YAML file of settings, keyed by the flag names in camelCase (workers: 8); flags and MLOP_* variables win [env MLOP_CONFIG]",
            HelpName = "FILE",
        };

        var runCommand = new Command("run", "Run the operator");
        foreach (var option in options.Values)
        {
            runCommand.Options.Add(option);
        }

        runCommand.Options.Add(config);
        runCommand.SetAction(async (parse, ct) =>
        {
            OperatorOptions resolved;
            try
            {
                resolved = OperatorSettings.Resolve(
                    setting => parse.GetValue(options[setting]),
                    environment,
                    parse.GetValue(config) ?? environment("MLOP_CONFIG"));
            }
            catch (OperatorSettingException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"fatal: {e.Message}");
                return ExitCodes.ConfigurationError;
            }

            return await run(resolved, ct);
        });

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
            new Command("generate", "Generate files from the C# types") { crdsCommand, RbacCommand() },
        };
    }

    /// <summary><c>generate rbac</c>: the chart's RBAC rules from <see cref="OperatorKinds"/>.</summary>
    private static Command RbacCommand()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "File to write the rules to",
            HelpName = "FILE",
            DefaultValueFactory = _ => "charts/ml-operator/files/rbac-rules.yaml",
        };
        var command = new Command("rbac", "Write the RBAC rules the operator needs (the chart renders them into its roles)") { output };
        command.SetAction(async (parse, ct) =>
        {
            await File.WriteAllTextAsync(parse.GetValue(output)!, OperatorKinds.RbacRulesYaml(), ct);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Parses and runs; a command line System.CommandLine cannot parse is one line on stderr and exit 2, like a bad value.</summary>
    public static Task<int> InvokeAsync(RootCommand command, string[] args, InvocationConfiguration configuration)
    {
        var parse = command.Parse(args);
        if (parse.Errors.Count > 0)
        {
            configuration.Error.WriteLine("fatal: " + string.Join("; ", parse.Errors.Select(e => e.Message)));
            return Task.FromResult(ExitCodes.ConfigurationError);
        }

        return parse.InvokeAsync(configuration);
    }
}
