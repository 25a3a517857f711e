using System.Diagnostics;
using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Tests.Hosting;

/// <summary>The sidecar as a real process: what it does before it listens.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task A_sha256_mismatch_exits_non_zero_before_listening_naming_both_digests()
    {
        var wrong = new string('0', 64);
        var (exitCode, output) = await RunAsync("--model", TestAssets.Model("mlp"), "--sha256", wrong, "--port", "18089");
        Assert.Equal(3, exitCode);
        Assert.Contains($"has sha256 {ModelFile.Sha256(TestAssets.Model("mlp"))}, but {wrong} was expected", output);
        Assert.DoesNotContain("Now listening", output);
    }

    [Fact]
    public async Task An_unknown_flag_exits_2_with_usage()
    {
        var (exitCode, output) = await RunAsync("--modle", "x.onnx");
        Assert.Equal(2, exitCode);
        Assert.Contains("unknown argument '--modle'", output);
        Assert.Contains("--max-batch-delay", output);
    }

    [Fact]
    public async Task A_bad_setting_exits_2_naming_the_variable()
    {
        var (exitCode, output) = await RunAsync("--model", TestAssets.Model("mlp"), "--max-batch-size", "zero");
        Assert.Equal(2, exitCode);
        Assert.Contains("MLOP_MAX_BATCH_SIZE must be an integer", output);
    }

    [Fact]
    public async Task The_fetch_subcommand_fails_with_one_line_naming_the_uri_and_the_cause()
    {
        var (exitCode, output) = await RunAsync("fetch", "ftp://models.example/model.onnx", Path.Combine(Path.GetTempPath(), "never-written.onnx"));
        Assert.Equal(1, exitCode);
        Assert.Equal("error: fetch ftp://models.example/model.onnx: unsupported scheme 'ftp': this build fetches http(s)://, hf://, s3://, gs:// and az://", output.Trim());
    }

    [Fact]
    public void A_matching_sha256_is_accepted_and_returned()
    {
        var digest = ModelFile.Sha256(TestAssets.Model("cnn"));
        Assert.Equal(digest, ModelFile.Verify(TestAssets.Model("cnn"), digest.ToUpperInvariant()));
        Assert.Matches("^[0-9a-f]{64}$", digest);
    }

    [Fact]
    public async Task A_serving_process_runs_its_socket_engine_threads_under_SCHED_BATCH()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // a Linux scheduling policy; elsewhere the sidecar leaves its threads alone
        }

        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "MlOperator.Inference.Sidecar.dll"), "--model", TestAssets.Model("mlp"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var policies = new List<int>();
            for (var attempt = 0; attempt < 300; attempt++)
            {
                try
                {
                    (await client.GetAsync("/v2/health/live")).EnsureSuccessStatusCode();
                    policies = SocketThreadPolicies(process.Id);
                    if (policies.Count > 0 && policies.All(p => p == 3))
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    Assert.False(process.HasExited, "the sidecar exited");
                }

                await Task.Delay(100);
            }

            Assert.NotEmpty(policies);
            Assert.All(policies, policy => Assert.Equal(3, policy)); // SCHED_BATCH
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The scheduling policy (field 41 of /proc/PID/task/TID/stat) of each ".NET Sockets" thread.</summary>
    private static List<int> SocketThreadPolicies(int pid)
    {
        var policies = new List<int>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != ".NET Sockets")
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd on
                policies.Add(int.Parse(fields[41 - 3], System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // the thread ended
            }
        }

        return policies;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "MlOperator.Inference.Sidecar.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(app);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
