using System.Security.Cryptography;

namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>
/// Downloads a model to <c>destination</c> so that a half-written or wrong file is never there: bytes go to
/// <c>destination.partial</c> beside it, the SHA-256 is computed while streaming, and only a complete file whose
/// digest matches is renamed into place. Network failures, 5xx and 429 are retried with exponential back-off,
/// resuming from what the partial file already holds when the source can (HTTP Range).
/// </summary>
public sealed class ModelFetcher(TimeProvider time, Action<string> log, int attempts = 5, TimeSpan? firstDelay = null)
{
    private const int ProgressEveryBytes = 64 << 20;
    private readonly TimeSpan firstDelay = firstDelay ?? TimeSpan.FromSeconds(1);

    /// <summary>Returns the file's SHA-256 (lower-case hex); throws <see cref="FetchException"/> naming the cause.</summary>
    public async Task<string> FetchAsync(IModelSource source, string destination, string? expectedSha256, CancellationToken cancellationToken)
    {
        var partial = destination + ".partial";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        var delay = firstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var digest = await DownloadAsync(source, partial, cancellationToken);
                if (expectedSha256 is not null && !string.Equals(digest, expectedSha256, StringComparison.OrdinalIgnoreCase))
                {
                    File.Delete(partial);
                    throw new FetchException($"sha256 mismatch: the object has {digest}, but {expectedSha256.ToLowerInvariant()} was expected", retryable: false);
                }

                File.Move(partial, destination, overwrite: true);
                log($"fetched {source.Display} to {destination} ({new FileInfo(destination).Length} bytes, sha256 {digest})");
                return digest;
            }
            catch (Exception e) when (e is FetchException { Retryable: true } or IOException && attempt < attempts && !cancellationToken.IsCancellationRequested)
            {
                log($"fetch {source.Display}: attempt {attempt} of {attempts} failed ({e.Message}); retrying in {delay.TotalSeconds:0.#}s");
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
            }
            catch (IOException e)
            {
                throw new FetchException($"download interrupted: {e.Message}", retryable: false, e);
            }
        }
    }

    private async Task<string> DownloadAsync(IModelSource source, string partial, CancellationToken cancellationToken)
    {
        var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        await using var opened = await source.OpenAsync(have, cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
        if (opened.Offset > 0)
        {
            // Resuming: the digest covers the whole file, so the bytes already there are hashed first.
            file.SetLength(opened.Offset);
            await HashPrefixAsync(file, hash, opened.Offset, cancellationToken);
            log($"fetch {source.Display}: resuming at byte {opened.Offset}");
        }
        else
        {
            file.SetLength(0);
        }

        file.Position = opened.Offset;
        var buffer = new byte[1 << 16];
        var written = opened.Offset;
        var nextProgress = written + ProgressEveryBytes;
        int read;
        while ((read = await opened.Stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            written += read;
            if (written >= nextProgress)
            {
                log($"fetch {source.Display}: {written >> 20} MiB{(opened.TotalLength is { } t ? $" of {t >> 20} MiB" : "")}");
                nextProgress += ProgressEveryBytes;
            }
        }

        await file.FlushAsync(cancellationToken);
        if (opened.TotalLength is { } total && written != total)
        {
            throw new FetchException($"the connection ended after {written} of {total} bytes", retryable: true);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task HashPrefixAsync(FileStream file, IncrementalHash hash, long length, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var buffer = new byte[1 << 16];
        var left = length;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }
    }
}
