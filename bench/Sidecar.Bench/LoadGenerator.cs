using System.Diagnostics;

namespace MlOperator.Sidecar.Bench;

/// <summary>Closed-loop load: N clients each send the next request as soon as the previous answer arrives.</summary>
internal static class LoadGenerator
{
    public static async Task<Result> RunAsync(string scenario, string model, int clients, TimeSpan warmup, TimeSpan duration,
        Func<int, CancellationToken, Task<bool>> send)
    {
        using (var warm = new CancellationTokenSource(warmup))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Loop(c, send, null, warm.Token)));
        }

        var perClient = Enumerable.Range(0, clients).Select(_ => new List<double>(100_000)).ToArray();
        var errors = new int[clients];
        var clock = Stopwatch.StartNew();
        using (var measure = new CancellationTokenSource(duration))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Loop(c, send, (perClient[c], errors), measure.Token)));
        }

        var elapsed = clock.Elapsed;
        return Result.From(scenario, model, clients, perClient.SelectMany(l => l).ToList(), elapsed, errors.Sum());

        async Task Loop(int client, Func<int, CancellationToken, Task<bool>> call, (List<double> Latencies, int[] Errors)? record, CancellationToken stop)
        {
            await Task.Yield();
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await call(client, CancellationToken.None);
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }

                if (record is { } r)
                {
                    if (ok)
                    {
                        r.Latencies.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                    else
                    {
                        r.Errors[client]++;
                    }
                }
            }
        }
    }

    /// <summary>The in-process limit: the same loop around a synchronous call, one thread per client.</summary>
    public static Result RunInProcess(string scenario, string model, int clients, TimeSpan warmup, TimeSpan duration, Action run)
    {
        var stopWarm = Stopwatch.StartNew();
        while (stopWarm.Elapsed < warmup)
        {
            run();
        }

        var perClient = Enumerable.Range(0, clients).Select(_ => new List<double>(200_000)).ToArray();
        var clock = Stopwatch.StartNew();
        Parallel.For(0, clients, new ParallelOptions { MaxDegreeOfParallelism = clients }, c =>
        {
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                run();
                perClient[c].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        });
        return Result.From(scenario, model, clients, perClient.SelectMany(l => l).ToList(), clock.Elapsed, 0);
    }
}
