using System.Globalization;
using MlOperator.Operator.Bench;

// Subcommands: informer | client-apply | client | operator | peer | rollout | all (all: the first three). Numbers and ratios only: nothing here passes or fails on time.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var command = args.Length > 0 ? args[0] : "all";
int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
}

switch (command)
{
    case "informer":
        await InformerBench.RunAsync(Arg("objects", 10_000), cts.Token);
        break;
    case "client-apply":
        await ClientApplyBench.RunAsync(Arg("applies", 2_000), Arg("concurrency", 8), Arg("rounds", 3), cts.Token);
        break;
    case "client":
        await InformerBench.RunAsync(Arg("objects", 10_000), cts.Token);
        await ClientApplyBench.RunAsync(Arg("applies", 2_000), Arg("concurrency", 8), Arg("rounds", 3), cts.Token);
        break;
    case "operator":
        await OperatorBench.RunAsync(Arg("count", 1_000), TimeSpan.FromSeconds(Arg("quiet-seconds", 30)), cts.Token);
        break;
    case "peer":
        await OperatorBench.PeerAsync(Arg("count", 1_000), Arg("rounds", 5), cts.Token);
        break;
    case "rollout":
        await RolloutBench.RunAsync(Arg("replicas", 2), Arg("rounds", 3), cts.Token);
        break;
    case "all":
        await InformerBench.RunAsync(Arg("objects", 10_000), cts.Token);
        await ClientApplyBench.RunAsync(Arg("applies", 2_000), Arg("concurrency", 8), Arg("rounds", 3), cts.Token);
        await OperatorBench.RunAsync(Arg("count", 1_000), TimeSpan.FromSeconds(Arg("quiet-seconds", 30)), cts.Token);
        break;
    default:
        Console.Error.WriteLine("usage: Operator.Bench informer|client-apply|client|operator|peer|rollout|all [--objects N] [--applies N] [--concurrency N] [--rounds N] [--count N] [--quiet-seconds N] [--replicas N]");
        return 2;
}

return 0;
