using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>Turns failed responses and watch ERROR events into the typed exceptions callers branch on.</summary>
internal static class KubeErrors
{
    /// <summary>Status bodies are small; anything larger is not one, and reading it all would only waste memory.</summary>
    private const int MaxErrorBody = 256 * 1024;
    private const int SnippetLength = 300;

    public static async Task<KubeApiException> FromResponseAsync(HttpResponseMessage response, TimeProvider time, CancellationToken ct)
    {
        var code = (int)response.StatusCode;
        var body = await ReadCappedAsync(response.Content, ct).ConfigureAwait(false);
        var status = TryParseStatus(body) ?? new Status
        {
            Outcome = "Failure",
            Code = code,
            Reason = response.ReasonPhrase,
            Message = $"HTTP {code} {response.ReasonPhrase}: {Snippet(body)}".TrimEnd(' ', ':'),
        };
        var retryAfter = RetryAfter(response.Headers.RetryAfter, time)
            ?? (status.Details?.RetryAfterSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null);
        var error = FromStatus(status, code, retryAfter);
        if (retryAfter is not null && error is not TooManyRequestsException)
        {
            // 5xx answers may also say when to come back; the retry policy reads it from here.
            error.Data[RetryAfterKey] = retryAfter.Value;
        }

        return error;
    }

    public const string RetryAfterKey = "RetryAfter";

    /// <summary>Maps a Status to its exception: by HTTP code first (the reason is free text on some paths), then by reason.</summary>
    public static KubeApiException FromStatus(Status status, int httpCode, TimeSpan? retryAfter = null)
    {
        var code = status.Code != 0 ? status.Code : httpCode;
        if (status.Code == 0)
        {
            status.Code = code;
        }

        return (code, status.Reason) switch
        {
            (_, "AlreadyExists") => new AlreadyExistsException(status),
            (404, _) or (_, "NotFound") => new NotFoundException(status),
            (409, _) or (_, "Conflict") => new ConflictException(status),
            (410, _) or (_, "Gone" or "Expired") => new GoneException(status),
            (422, _) or (_, "Invalid") => new InvalidException(status),
            (401, _) or (_, "Unauthorized") => new UnauthorizedException(status),
            (403, _) or (_, "Forbidden") => new ForbiddenException(status),
            (429, _) or (_, "TooManyRequests") => new TooManyRequestsException(status,
                retryAfter ?? (status.Details?.RetryAfterSeconds is > 0 and var s ? TimeSpan.FromSeconds(s) : null)),
            _ => new KubeApiException(code, status),
        };
    }

    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static Status? TryParseStatus(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            // Status defaults its kind, so the body itself must say it is one.
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("kind", out var kind)
                && kind.ValueKind == JsonValueKind.String && kind.ValueEquals("Status")
                    ? document.RootElement.Deserialize<Status>(KubeJson.Options)
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < MaxErrorBody && (read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, SnippetLength * 4));
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= SnippetLength ? collapsed : collapsed[..SnippetLength] + "…";
    }
}
