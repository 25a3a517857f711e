namespace MlOperator.Inference.Sidecar.Tests.Fetch;

/// <summary>Azurite's blob service: the real Azure Blob REST API with shared-key checks and range reads.</summary>
public sealed class AzuriteProcess(NodeServerProcess server) : IAsyncDisposable
{
    public const string Account = "devstoreaccount1";
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string Endpoint { get; } = $"http://127.0.0.1:{server.Port}/{Account}";

    public string ConnectionString(string key = Key) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};BlobEndpoint={Endpoint};";

    // --skipApiVersionCheck: the SDK speaks a newer service version than this Azurite knows; the calls used are old.
    public static async Task<AzuriteProcess> StartAsync() =>
        new(await NodeServerProcess.StartAsync("Azurite", Path.Combine("azurite", "dist", "src", "blob", "main.js"), (port, directory) =>
            ["--blobHost", "127.0.0.1", "--blobPort", port, "--location", directory, "--silent", "--skipApiVersionCheck"]));

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
