using System.Diagnostics;
using System.Globalization;

namespace MlOperator.Operator.Bench;

/// <summary>
/// A process started through <c>taskset</c> onto one CPU, its output in a file (a pipe would make the bench read it,
/// on the bench's CPU, while it measures), with its own CPU time and resident set read from /proc.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
    }

    public int Id => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="arguments"/> on <paramref name="cpu"/> (no pinning when taskset or the CPU is missing).</summary>
    public static ChildProcess Start(int cpu, string logPath, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        // Environment.ProcessorCount counts only the CPUs this (pinned) process may use, so ask the kernel which exist.
        var pin = Directory.Exists($"/sys/devices/system/cpu/cpu{cpu}") && File.Exists("/usr/bin/taskset");
        // exec: the pid we hold is the program itself, not a shell around it.
        var command = (pin ? $"exec taskset -c {cpu} " : "exec ") + string.Join(' ', arguments.Select(Quote)) + $" >{Quote(logPath)} 2>&1";
        var info = new ProcessStartInfo("/bin/bash") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {arguments[0]}"), logPath);
    }

    /// <summary>Waits for a line of its output that starts with <paramref name="prefix"/>.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (File.Exists(LogPath))
            {
                await using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return line;
                    }
                }
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"process {Id} exited ({_process.ExitCode}) before it printed '{prefix}': {Tail()}");
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"process {Id} printed no '{prefix}' within {timeout.TotalSeconds:0}s: {Tail()}");
    }

    public string Tail(int lines = 5) =>
        File.Exists(LogPath) ? string.Join(" | ", File.ReadLines(LogPath).TakeLast(lines)) : "(no output)";

    /// <summary>User + system CPU time, from /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms).</summary>
    public TimeSpan Cpu()
    {
        var stat = File.ReadAllText($"/proc/{Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Resident set now (VmRSS) and its peak (VmHWM), in MB.</summary>
    public (double Now, double Peak) RssMb()
    {
        var status = StatusMb();
        return (status.GetValueOrDefault("VmRSS", double.NaN), status.GetValueOrDefault("VmHWM", double.NaN));
    }

    /// <summary>What the resident set is made of, in MB: anonymous (GC heap, native), file-mapped (assemblies, native
    /// libraries), shared memory (the runtime's double-mapped executable memory under W^X).</summary>
    public (double Anon, double File, double Shmem) RssPartsMb()
    {
        var status = StatusMb();
        return (status.GetValueOrDefault("RssAnon", double.NaN), status.GetValueOrDefault("RssFile", double.NaN),
            status.GetValueOrDefault("RssShmem", double.NaN));
    }

    /// <summary>The kB fields of /proc/PID/status, in MB, by name.</summary>
    private Dictionary<string, double> StatusMb()
    {
        var fields = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            var parts = line.Split([':', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts is [var name, var value, "kB"])
            {
                fields[name] = double.Parse(value, CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return fields;
    }

    /// <summary>SIGTERM (the operator releases its Lease and exits), then SIGKILL after a grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
