using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MlOperator.Inference.Sidecar.Tests.Fetch;

/// <summary>
/// s3rver (npm, installed by <c>make deps</c> into tests/Inference.Sidecar.Tests/fetch-servers) on a free loopback
/// port: a real S3 API with SigV4 checks and range reads. Its one account is S3RVER / S3RVER.
/// </summary>
public sealed class S3rverProcess : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private readonly Process process;
    private readonly string directory;

    private S3rverProcess(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public static async Task<S3rverProcess> StartAsync(params string[] buckets)
    {
        var script = Path.Combine(TestAssets.RepoRoot, "tests", "Inference.Sidecar.Tests", "fetch-servers", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed at '{script}': run `make deps` (npm install in tests/Inference.Sidecar.Tests/fetch-servers)");
        }

        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var directory = Directory.CreateTempSubdirectory("s3rver-").FullName;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var bucket in buckets)
        {
            start.ArgumentList.Add("--configure-bucket");
            start.ArgumentList.Add(bucket);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new S3rverProcess(process, directory, port);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"s3rver exited with {process.ExitCode}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100); // waiting for a child process to listen, not a timed assertion
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException("s3rver did not listen within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
