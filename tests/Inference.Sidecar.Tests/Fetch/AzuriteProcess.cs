using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MlOperator.Inference.Sidecar.Tests.Fetch;

/// <summary>
/// Azurite's blob service (npm, installed by <c>make deps</c> into tests/Inference.Sidecar.Tests/fetch-servers) on a free
/// loopback port, data in a temporary folder: the real Azure Blob REST API with shared-key checks and range reads.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    public const string Account = "devstoreaccount1";
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process process;
    private readonly string directory;

    private AzuriteProcess(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Endpoint = $"http://127.0.0.1:{port}/{Account}";
    }

    public string Endpoint { get; }

    public string ConnectionString(string key = Key) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};BlobEndpoint={Endpoint};";

    public static async Task<AzuriteProcess> StartAsync()
    {
        var script = Path.Combine(TestAssets.RepoRoot, "tests", "Inference.Sidecar.Tests", "fetch-servers", "node_modules", "azurite", "dist", "src", "blob", "main.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at '{script}': run `make deps` (npm install in tests/Inference.Sidecar.Tests/fetch-servers)");
        }

        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var directory = Directory.CreateTempSubdirectory("azurite-").FullName;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        // --skipApiVersionCheck: the SDK speaks a newer service version than this Azurite knows; the calls used are old.
        foreach (var arg in new[] { script, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", directory, "--silent", "--skipApiVersionCheck" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteProcess(process, directory, port);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with {process.ExitCode}");
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
        throw new TimeoutException("Azurite did not listen within 30 s");
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
