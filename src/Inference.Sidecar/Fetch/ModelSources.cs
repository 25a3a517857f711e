namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>
/// Turns a model URI into its source. Credentials come from the SDKs' standard environment variables, never from
/// the URI: <c>HF_TOKEN</c> (and <c>HF_ENDPOINT</c> for a mirror) for <c>hf://</c>, the AWS SDK's for <c>s3://</c>, AZURE_STORAGE_* for Azure Blob.
/// </summary>
public static class ModelSources
{
    public static IModelSource Create(string uri, HttpClient http, Func<string, string?> environment)
    {
        if (uri.StartsWith("hf://", StringComparison.Ordinal))
        {
            return HuggingFace(uri, http, environment);
        }

        if (uri.StartsWith("s3://", StringComparison.Ordinal) || uri.StartsWith("gs://", StringComparison.Ordinal))
        {
            return new S3ModelSource(uri, environment);
        }

        if (uri.StartsWith("az://", StringComparison.Ordinal))
        {
            return new AzureBlobModelSource(uri, environment);
        }

        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
        {
            if (parsed.Scheme == "https" && AzureBlobModelSource.IsBlobEndpoint(parsed))
            {
                return new AzureBlobModelSource(uri, environment);
            }

            return new HttpModelSource(http, parsed);
        }

        var scheme = uri.IndexOf("://", StringComparison.Ordinal) is var at and > 0 ? uri[..at] : "(none)";
        throw new FetchException($"unsupported scheme '{scheme}': this build fetches http(s)://, hf://, s3://, gs:// and az://", retryable: false);
    }

    /// <summary><c>hf://org/repo/path/in/repo@revision</c> → <c>{HF_ENDPOINT}/org/repo/resolve/{revision}/path/in/repo</c>.</summary>
    private static IModelSource HuggingFace(string uri, HttpClient http, Func<string, string?> environment)
    {
        var rest = uri["hf://".Length..];
        var revision = "main";
        if (rest.LastIndexOf('@') is var at and > 0)
        {
            revision = rest[(at + 1)..];
            rest = rest[..at];
        }

        var parts = rest.Split('/', 3);
        if (parts.Length < 3 || parts.Any(string.IsNullOrEmpty) || revision.Length == 0)
        {
            throw new FetchException("an hf:// URI needs org/repo/path[@revision], e.g. hf://org/model/model.onnx@main", retryable: false);
        }

        var endpoint = (environment("HF_ENDPOINT") is { Length: > 0 } e ? e : "https://huggingface.co").TrimEnd('/');
        var resolved = new Uri($"{endpoint}/{parts[0]}/{parts[1]}/resolve/{Uri.EscapeDataString(revision)}/{parts[2]}");
        return new HttpModelSource(http, resolved, environment("HF_TOKEN") is { Length: > 0 } token ? token : null, uri);
    }
}
