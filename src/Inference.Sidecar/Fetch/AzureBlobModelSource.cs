using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>
/// Azure Blob through Azure.Storage.Blobs: <c>az://container/path/to/blob</c> with the account from
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> (Azurite: its development connection string) or <c>AZURE_STORAGE_ACCOUNT</c> plus
/// <c>AZURE_STORAGE_KEY</c> or <c>AZURE_STORAGE_SAS_TOKEN</c>; or <c>https://ACCOUNT.blob.core.windows.net/container/blob</c>
/// with the same key/SAS variables (anonymous when none). Resumes with a range read.
/// </summary>
public sealed class AzureBlobModelSource : IModelSource
{
    private readonly BlobClient blob;

    public AzureBlobModelSource(string uri, Func<string, string?> environment)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0; // ModelFetcher retries, with resume
        if (uri.StartsWith("az://", StringComparison.Ordinal))
        {
            var rest = uri["az://".Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || slash == rest.Length - 1)
            {
                throw new FetchException("an az:// URI needs a container and a blob, e.g. az://models/fraud/7/model.onnx", retryable: false);
            }

            var (container, name) = (rest[..slash], rest[(slash + 1)..]);
            Display = $"az://{container}/{name}";
            if (environment("AZURE_STORAGE_CONNECTION_STRING") is { Length: > 0 } connection)
            {
                blob = new BlobClient(connection, container, name, options);
            }
            else if (environment("AZURE_STORAGE_ACCOUNT") is { Length: > 0 } account)
            {
                blob = Client(new Uri($"https://{account}.blob.core.windows.net/{container}/{name}"), account, environment, options);
            }
            else
            {
                throw new FetchException("az:// needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT in the environment", retryable: false);
            }
        }
        else
        {
            var parsed = new Uri(uri);
            Display = HttpModelSource.Redact(parsed);
            blob = Client(new Uri(Display), parsed.Host.Split('.')[0], environment, options);
        }
    }

    public string Display { get; }

    /// <summary>Whether an https URI is an Azure Blob endpoint (then it is fetched with the SDK and its credentials).</summary>
    public static bool IsBlobEndpoint(Uri uri) => uri.Host.EndsWith(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase);

    private static BlobClient Client(Uri uri, string account, Func<string, string?> environment, BlobClientOptions options)
    {
        if (environment("AZURE_STORAGE_KEY") is { Length: > 0 } key)
        {
            return new BlobClient(uri, new StorageSharedKeyCredential(account, key), options);
        }

        if (environment("AZURE_STORAGE_SAS_TOKEN") is { Length: > 0 } sas)
        {
            return new BlobClient(uri, new AzureSasCredential(sas.TrimStart('?')), options);
        }

        return new BlobClient(uri, options);
    }

    public async Task<SourceStream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        try
        {
            var result = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = offset > 0 ? new HttpRange(offset) : default }, cancellationToken);
            var details = result.Value.Details;
            long? total = details.ContentRange is { } range && range.LastIndexOf('/') is var slash and > 0 && long.TryParse(range[(slash + 1)..], out var t)
                ? t
                : details.ContentLength;
            return new SourceStream(result.Value.Content, offset > 0 && details.ContentRange is not null ? offset : 0, offset > 0 && details.ContentRange is null ? details.ContentLength : total);
        }
        catch (RequestFailedException e) when (e.Status == 416 && offset > 0)
        {
            return await OpenAsync(0, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status > 0)
        {
            throw new FetchException(e.Status switch
            {
                404 => $"Azure Blob 404 {e.ErrorCode}: no such container or blob",
                401 or 403 => $"Azure Blob {e.Status} {e.ErrorCode}: access denied (check the credentials)",
                _ => $"Azure Blob {e.Status} {e.ErrorCode}",
            }, retryable: e.Status is 408 or 429 or >= 500);
        }
        catch (RequestFailedException e)
        {
            throw new FetchException($"cannot reach Azure Blob: {e.Message.Split('\n')[0]}", retryable: true, e);
        }
    }
}
