using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using MlOperator.Operator.Hosting;

namespace MlOperator.Operator;

/// <summary>Composition root: the command line, and what the operator process is made of.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) =>
        OperatorCli.Create(
                (options, ct) => OperatorHost.RunAsync(options, ConfigureOperator, Console.Out, ct),
                GenerateCrdsAsync)
            .Parse(args)
            // The host handles SIGTERM/SIGINT itself and needs longer than System.CommandLine's grace period to
            // release the leader lease.
            .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    /// <summary>Registers the operator's parts: API client, caches, leader election, controllers.</summary>
    internal static void ConfigureOperator(IServiceCollection services, OperatorOptions options)
    {
    }

    private static Task<int> GenerateCrdsAsync(string outputDirectory, CancellationToken cancellationToken)
    {
        // ── CRD generation dispatch ── TODO(lead): once src/Operator/Crds lands, replace with
        //    MlOperator.Operator.Crds.CrdGenerator.WriteAll(outputDirectory); return Task.FromResult(ExitCodes.Success);
        Console.Error.WriteLine($"generate crds: the CRD generator is not part of this build (asked to write to {outputDirectory})");
        return Task.FromResult(ExitCodes.Failure);
    }
}
