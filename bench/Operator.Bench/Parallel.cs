using System.Diagnostics;

namespace MlOperator.Operator.Bench;

/// <summary>Runs <c>count</c> operations with at most <c>concurrency</c> in flight; returns the elapsed wall time.</summary>
internal static class Concurrently
{
    public static async Task<TimeSpan> RunAsync(int count, int concurrency, Func<int, CancellationToken, Task> operation, CancellationToken ct)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await operation(i, ct);
            }
        }, ct));
        await Task.WhenAll(workers);
        return watch.Elapsed;
    }
}
