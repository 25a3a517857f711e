using MlOperator.Inference.Sidecar.Options;

namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>
/// <c>fetch URI DEST [--sha256 HEX]</c>: the init container's job in the sidecar image. Without arguments it reads the
/// pod's contract instead: MLOP_MODEL_URL, MLOP_MODEL_PATH and MLOP_MODEL_SHA256. Exits 0 with the file in place, 2 for
/// bad arguments, 1 with one line naming the URI (without credentials) and the cause.
/// </summary>
public static class FetchCommand
{
    public const string Usage = "Usage: MlOperator.Inference.Sidecar fetch URI DEST [--sha256 HEX]   (or no arguments: MLOP_MODEL_URL, MLOP_MODEL_PATH, MLOP_MODEL_SHA256)\n" +
        "  URI: http(s)://host/path, hf://org/repo/path[@revision] (HF_TOKEN, HF_ENDPOINT) s3://bucket/key, gs://bucket/object (S3-interop, HMAC keys)\n" +
        "  (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL_S3 for MinIO/Ceph/R2/GCS interop; else the SDK's chain)\n" +
        "  or az://container/blob, https://ACCOUNT.blob.core.windows.net/... (AZURE_STORAGE_CONNECTION_STRING, or _ACCOUNT with _KEY or _SAS_TOKEN)\n";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, HttpClient? http = null,
        TimeProvider? time = null, Func<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? sha256 = null;
        var positional = new List<string>();
        if (args.Count == 0 && environment(SidecarOptions.ModelUrlKey) is { Length: > 0 } url && environment(SidecarOptions.ModelPathKey) is { Length: > 0 } path)
        {
            positional.AddRange([url, path]);
            sha256 = environment(SidecarOptions.ModelSha256Key) is { Length: > 0 } digest ? digest : null;
        }

        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--sha256" && i + 1 < args.Count)
            {
                sha256 = args[++i];
            }
            else if (args[i].StartsWith("--sha256=", StringComparison.Ordinal))
            {
                sha256 = args[i]["--sha256=".Length..];
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                await error.WriteLineAsync($"error: fetch: unknown argument '{args[i]}'\n{Usage}");
                return 2;
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        if (positional.Count != 2 || (sha256 is not null && (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))))
        {
            await error.WriteLineAsync($"error: fetch needs URI and DEST (and --sha256 as 64 hex digits)\n{Usage}");
            return 2;
        }

        var ownClient = http is null;
        http ??= new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var display = positional[0];
        try
        {
            var source = ModelSources.Create(positional[0], http, environment);
            display = source.Display;
            var fetcher = new ModelFetcher(time ?? TimeProvider.System, line => output.WriteLine(line));
            await fetcher.FetchAsync(source, positional[1], sha256, cancellationToken);
            return 0;
        }
        catch (FetchException e)
        {
            await error.WriteLineAsync($"error: fetch {display}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: fetch {display}: cannot write '{positional[1]}': {e.Message}");
            return 1;
        }
        finally
        {
            if (ownClient)
            {
                http.Dispose();
            }
        }
    }
}
