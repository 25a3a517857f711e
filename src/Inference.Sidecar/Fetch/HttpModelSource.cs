using System.Net;
using System.Net.Http.Headers;

namespace MlOperator.Inference.Sidecar.Fetch;

/// <summary>http(s):// with resume through <c>Range</c>; also what <c>hf://</c> resolves to.</summary>
public sealed class HttpModelSource(HttpClient client, Uri uri, string? bearerToken = null, string? display = null) : IModelSource
{
    public string Display { get; } = display ?? Redact(uri);

    public async Task<SourceStream> OpenAsync(long offset, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new FetchException($"cannot connect: {e.Message}", retryable: true, e);
        }

        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0)
        {
            response.Dispose();
            return await OpenAsync(0, cancellationToken); // the partial file is not a prefix of this object: start over
        }

        if (!response.IsSuccessStatusCode)
        {
            var code = (int)response.StatusCode;
            response.Dispose();
            throw new FetchException(code switch
            {
                401 or 403 => $"HTTP {code}: access denied (check the credentials)",
                404 => "HTTP 404: no such object",
                _ => $"HTTP {code}",
            }, retryable: code is 408 or 429 or >= 500);
        }

        var partial = response.StatusCode == HttpStatusCode.PartialContent;
        var start = partial ? response.Content.Headers.ContentRange?.From ?? offset : 0;
        var total = partial ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
        return new SourceStream(new OwningStream(await response.Content.ReadAsStreamAsync(cancellationToken), response), start, total);
    }

    internal static string Redact(Uri uri) => new UriBuilder(uri) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.ToString();
}
