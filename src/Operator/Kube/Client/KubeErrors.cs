using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// Turns the library's failures (<see cref="HttpOperationException"/> with the Status body, a watch's
/// <see cref="KubernetesException"/>) into the typed exceptions callers branch on.
/// </summary>
internal static class KubeErrors
{
    private const int SnippetLength = 300;

    public static KubeApiException FromOperation(HttpOperationException e, TimeProvider time)
    {
        var code = (int)(e.Response?.StatusCode ?? 0);
        var body = e.Response?.Content ?? "";
        var status = TryParseStatus(body) ?? new V1Status
        {
            Status = "Failure",
            Code = code,
            Reason = e.Response?.ReasonPhrase,
            Message = $"HTTP {code} {e.Response?.ReasonPhrase}: {Snippet(body)}".TrimEnd(' ', ':'),
        };
        var retryAfter = RetryAfter(Header(e.Response?.Headers, "Retry-After"), time)
            ?? (status.Details?.RetryAfterSeconds is int seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null);
        var error = FromStatus(status, code, retryAfter, e);
        return error;
    }

    /// <summary>Maps a Status to its exception: by HTTP code first (the reason is free text on some paths), then by reason.</summary>
    public static KubeApiException FromStatus(V1Status status, int httpCode, TimeSpan? retryAfter = null, Exception? inner = null)
    {
        var code = status.Code is > 0 ? status.Code.Value : httpCode;
        status.Code ??= code;
        return (code, status.Reason) switch
        {
            (_, "AlreadyExists") => new AlreadyExistsException(status, inner),
            (404, _) or (_, "NotFound") => new NotFoundException(status, inner),
            (409, _) or (_, "Conflict") => new ConflictException(status, inner),
            (410, _) or (_, "Gone" or "Expired") => new GoneException(status, inner),
            (422, _) or (_, "Invalid") => new InvalidException(status, inner),
            (401, _) or (_, "Unauthorized") => new UnauthorizedException(status, inner),
            (403, _) or (_, "Forbidden") => new ForbiddenException(status, inner),
            (429, _) or (_, "TooManyRequests") => new TooManyRequestsException(status,
                retryAfter ?? (status.Details?.RetryAfterSeconds is int s and > 0 ? TimeSpan.FromSeconds(s) : null), inner),
            _ => new KubeApiException(code, status, inner),
        };
    }

    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>details.retryAfterSeconds of a buffered Status body.</summary>
    public static TimeSpan? RetryAfterFromBody(HttpResponseMessage response)
    {
        var status = TryParseStatus(ReadBuffered(response));
        return status?.Details?.RetryAfterSeconds is int seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>"503 ServiceUnavailable: etcd is busy": the code and the Status reason and message, for logs.</summary>
    public static string Summary(HttpResponseMessage response)
    {
        var status = TryParseStatus(ReadBuffered(response));
        var text = $"{(int)response.StatusCode} {status?.Reason ?? response.ReasonPhrase}";
        return status?.Message is { Length: > 0 } message ? $"{text}: {message}" : text;
    }

    private static RetryConditionHeaderValue? Header(IDictionary<string, IEnumerable<string>>? headers, string name)
    {
        var value = headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        return value is not null && RetryConditionHeaderValue.TryParse(value, out var parsed) ? parsed : null;
    }

    private static string ReadBuffered(HttpResponseMessage response)
    {
        try
        {
            // The handler buffered error bodies, so this neither blocks nor consumes the stream.
            return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or HttpRequestException)
        {
            return "";
        }
    }

    internal static V1Status? TryParseStatus(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            // The body itself must say it is a Status.
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("kind", out var kind)
                && kind.ValueKind == JsonValueKind.String && kind.ValueEquals("Status")
                    ? KubernetesJson.Deserialize<V1Status>(body)
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Snippet(string body)
    {
        var text = body.Length > SnippetLength * 4 ? body[..(SnippetLength * 4)] : body;
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= SnippetLength ? collapsed : collapsed[..SnippetLength] + "…";
    }
}
