using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MlOperator.Kubernetes.Emulator;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>
/// The built operator (src/Operator's dll) as a process of its own, started as `make run` starts it (`run`, JSON logs,
/// leader election on), so a test can end it the way a node or the OOM killer does: SIGKILL, no shutdown code run,
/// the leader Lease left held. Its output is kept for failure messages. <see cref="OperatorRunner"/> is the in-process
/// manager for tests that need no process boundary.
/// </summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    /// <summary>Short enough that a successor takes over a killed leader's Lease within seconds, long enough for a busy machine.</summary>
    private static readonly string[] LeaseTimings = ["--lease-duration", "5s", "--renew-deadline", "4s", "--retry-period", "1s"];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _lease;

    private OperatorProcess(Process process, string lease)
    {
        _process = process;
        _lease = lease;
    }

    public static string DllPath => RepoPaths.Built("Operator", "MlOperator.Operator.dll");

    /// <summary>
    /// The native AOT binary the image ships, when MLOP_OPERATOR_BINARY names it (`make test` runs these tests once more
    /// that way, after `make publish-operator`); otherwise the JIT build through the dotnet host.
    /// </summary>
    public static string? NativeBinary => Environment.GetEnvironmentVariable("MLOP_OPERATOR_BINARY") is { Length: > 0 } path
        ? Path.GetFullPath(path, RepoPaths.Root)
        : null;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the operator watching <paramref name="ns"/> (its Lease there too) and returns once /readyz answers 200 (caches synced).</summary>
    public static async Task<OperatorProcess> StartAsync(string kubeconfig, string ns, string lease = "ml-operator-leader", string logFormat = "json")
    {
        var native = NativeBinary;
        Assert.True(File.Exists(native ?? DllPath), $"the operator is not built at {native ?? DllPath}");
        var psi = new ProcessStartInfo(native ?? RealPodOptions.DotnetHost)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        // Settings come from the flags alone, not from whatever MLOP_* the test run has in its environment.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MLOP_", StringComparison.Ordinal) || k == "KUBECONFIG").ToList())
        {
            psi.Environment.Remove(key);
        }

        foreach (var arg in (string[])[.. native is null ? [DllPath] : Array.Empty<string>(), "run", "--kubeconfig", kubeconfig, "--namespace", ns,
            "--metrics-address", "127.0.0.1:0", "--log-format", logFormat, "--leader-elect", "true", "--lease-namespace", ns, "--lease-name", lease, .. LeaseTimings])
        {
            psi.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var op = new OperatorProcess(process, lease);
        process.OutputDataReceived += (_, e) => op.Output(e.Data);
        process.ErrorDataReceived += (_, e) => op.Output(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await op.UntilAsync(async () => op.MetricsUrl() is { } url && await op.AnswersAsync(url, "/readyz", _ => true), "/readyz of the operator process");
        }
        catch
        {
            await op.DisposeAsync();
            throw;
        }

        return op;
    }

    /// <summary>Waits until this process holds the leader Lease (its /metrics says so), so its controllers run.</summary>
    public Task LeadingAsync() => UntilAsync(
        async () => MetricsUrl() is { } url && await AnswersAsync(url, "/metrics",
            text => text.Contains($"\nleader_election_master_status{{name=\"{_lease}\"}} 1\n", StringComparison.Ordinal)),
        "the operator process to lead");

    /// <summary>kill -9: <see cref="Process.Kill(bool)"/> sends SIGKILL on Linux. Returns the exit code (137: killed by signal 9).</summary>
    public async Task<int> KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>The lines the operator wrote so far (the last 400).</summary>
    public IReadOnlyList<string> Lines => [.. _output];

    /// <summary>The operator's /metrics text.</summary>
    public async Task<string> MetricsAsync() => await _http.GetStringAsync(new Uri(new Uri(MetricsUrl()!), "/metrics"));

    /// <summary>The last lines the operator wrote, for assertion messages.</summary>
    public string Describe() => $"operator process {Id}" + (HasExited ? $" (exited {_process.ExitCode})" : "") + ", last lines:\n"
        + string.Join("\n", _output.TakeLast(40));

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
        _http.Dispose();
    }

    private void Output(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 400 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>From the line the host logs once Kestrel listens ("Serving /metrics, /healthz and /readyz on …").</summary>
    private string? MetricsUrl()
    {
        foreach (var line in _output)
        {
            if (line.StartsWith('{') && line.Contains("\"MetricsAddress\"", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line).RootElement.GetProperty("MetricsAddress").GetString()?.Split(", ")[0];
            }

            // --log-format text: "... Serving /metrics, /healthz and /readyz on http://127.0.0.1:PORT"
            if (!line.StartsWith('{') && line.IndexOf("/readyz on ", StringComparison.Ordinal) is var at and >= 0)
            {
                return line[(at + "/readyz on ".Length)..].Split([", ", " "], StringSplitOptions.RemoveEmptyEntries)[0].Trim('"');
            }
        }

        return null;
    }

    private async Task<bool> AnswersAsync(string url, string path, Func<string, bool> body)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(new Uri(url), path));
            return response.IsSuccessStatusCode && body(await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls until the probe holds; fails at once, with the operator's last lines, if the process exits meanwhile.</summary>
    private async Task UntilAsync(Func<Task<bool>> probe, string what)
    {
        var (_, exited) = await TestCluster.EventuallyAsync(
            async () => (Done: await probe(), Exited: HasExited), seen => seen.Done || seen.Exited, what, TimeSpan.FromSeconds(120));
        Assert.False(exited, $"the operator process exited while waiting for {what}: {Describe()}");
    }
}
