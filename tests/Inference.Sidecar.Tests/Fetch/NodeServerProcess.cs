using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MlOperator.Inference.Sidecar.Tests.Fetch;

/// <summary>
/// A test server from npm (installed by <c>make deps</c> into tests/Inference.Sidecar.Tests/fetch-servers) run with
/// node on a free loopback port, its data in a temporary folder, killed with its folder on dispose.
/// </summary>
public sealed class NodeServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string directory;

    private NodeServerProcess(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <param name="name">For messages: s3rver, Azurite.</param>
    /// <param name="script">The server's entry script below fetch-servers/node_modules.</param>
    /// <param name="arguments">The server's arguments for a port (invariant text) and a data folder.</param>
    public static async Task<NodeServerProcess> StartAsync(string name, string script, Func<string, string, IEnumerable<string>> arguments)
    {
        var path = Path.Combine(TestAssets.RepoRoot, "tests", "Inference.Sidecar.Tests", "fetch-servers", "node_modules", script);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{name} is not installed at '{path}': run `make deps` (npm install in tests/Inference.Sidecar.Tests/fetch-servers)");
        }

        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var directory = Directory.CreateTempSubdirectory(name.ToLowerInvariant() + "-").FullName;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(path);
        foreach (var arg in arguments(port.ToString(CultureInfo.InvariantCulture), directory))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new NodeServerProcess(process, directory, port);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}");
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
        throw new TimeoutException($"{name} did not listen within 30 s");
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
