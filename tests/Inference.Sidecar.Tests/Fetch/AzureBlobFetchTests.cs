using System.Security.Cryptography;
using Azure.Storage.Blobs;
using MlOperator.Inference.Sidecar.Fetch;

namespace MlOperator.Inference.Sidecar.Tests.Fetch;

/// <summary>az:// against Azurite, the real Azure Blob API on loopback, with a connection string as a Secret would carry it.</summary>
public sealed class AzureBlobFetchTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("azure-fetch-tests-").FullName;
    private readonly byte[] model = RandomNumberGenerator.GetBytes(200_000);
    private AzuriteProcess azurite = null!;

    public async Task InitializeAsync()
    {
        azurite = await AzuriteProcess.StartAsync();
        try
        {
            await UploadAsync();
        }
        catch
        {
            await DisposeAsync(); // xunit does not dispose a class whose InitializeAsync failed: never leave Azurite running
            throw;
        }
    }

    private async Task UploadAsync()
    {
        var container = new BlobContainerClient(azurite.ConnectionString(), "models");
        await container.CreateAsync();
        await container.UploadBlobAsync("fraud/7/model.onnx", new BinaryData(model));
    }

    public async Task DisposeAsync()
    {
        await azurite.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private string Dest => Path.Combine(directory, "model.onnx");

    private string Sha => Convert.ToHexStringLower(SHA256.HashData(model));

    private static async Task<(int Code, string Output, string Error)> FetchAsync(string connectionString, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await FetchCommand.RunAsync(args, output, error, time: new FakeTimeProvider(),
            environment: name => name == "AZURE_STORAGE_CONNECTION_STRING" ? connectionString : null);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Fetches_a_blob_verifying_the_sha256()
    {
        var (code, _, error) = await FetchAsync(azurite.ConnectionString(), "az://models/fraud/7/model.onnx", Dest, "--sha256", Sha);
        Assert.True(code == 0, error);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
    }

    [Fact]
    public async Task A_partial_file_is_resumed_with_a_range_read()
    {
        await File.WriteAllBytesAsync(Dest + ".partial", model.AsSpan(0, 50_000).ToArray());
        var (code, output, error) = await FetchAsync(azurite.ConnectionString(), "az://models/fraud/7/model.onnx", Dest, "--sha256", Sha);
        Assert.True(code == 0, error);
        Assert.Contains("resuming at byte 50000", output);
        Assert.Equal(model, await File.ReadAllBytesAsync(Dest));
    }

    [Fact]
    public async Task A_missing_blob_exits_1_with_one_line_naming_the_uri()
    {
        var (code, _, error) = await FetchAsync(azurite.ConnectionString(), "az://models/fraud/8/model.onnx", Dest);
        Assert.Equal(1, code);
        Assert.StartsWith("error: fetch az://models/fraud/8/model.onnx: Azure Blob 404 BlobNotFound", error.Trim());
        Assert.False(File.Exists(Dest));
    }

    [Fact]
    public async Task A_wrong_account_key_is_access_denied_and_never_printed()
    {
        var wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var (code, output, error) = await FetchAsync(azurite.ConnectionString(wrongKey), "az://models/fraud/7/model.onnx", Dest);
        Assert.Equal(1, code);
        Assert.Contains("error: fetch az://models/fraud/7/model.onnx: Azure Blob 403", error);
        Assert.DoesNotContain(wrongKey, output + error);
        Assert.False(File.Exists(Dest));
    }
}
