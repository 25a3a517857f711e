using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MlOperator.Sidecar.Bench;

/// <summary>Debian's wrk, pinned with taskset to the load generator's core, driving post.lua.</summary>
internal static partial class Wrk
{
    public static async Task<Result> RunAsync(string scenario, string clientCpu, string url, int connections, TimeSpan duration,
        string bodyFile, string contentType, int? headerLength, string script)
    {
        var start = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     "-c", clientCpu, "wrk", "-t1", $"-c{connections}", $"-d{(int)Math.Ceiling(duration.TotalSeconds)}s", "--latency", "--timeout", "10s",
                     "-s", script, url,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BENCH_BODY"] = bodyFile;
        start.Environment["BENCH_CONTENT_TYPE"] = contentType;
        start.Environment["BENCH_HEADER_LENGTH"] = headerLength?.ToString(CultureInfo.InvariantCulture) ?? "";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start taskset/wrk");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {text}");
        }

        return new Result(scenario, connections, Percentile(text, "50"), Percentile(text, "99"),
            double.Parse(RequestsPerSecond().Match(text).Groups[1].Value, CultureInfo.InvariantCulture),
            NonSuccess().Match(text) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            long.Parse(Completed().Match(text).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static double Percentile(string text, string percent)
    {
        var match = Regex.Match(text, $@"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value, "ms" => value * 1000, _ => value * 1_000_000 };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Completed();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
