using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// What KubernetesClient does not do, as one handler in its HTTP pipeline: client-side throttling (QPS/burst), a
/// timeout per attempt, retries of idempotent calls on 429/5xx/connection failures (Polly, honouring Retry-After),
/// the user agent, and the request metrics <c>kube_client_requests_total{verb,resource,code}</c> and
/// <c>kube_client_request_duration_seconds</c>.
/// </summary>
public sealed class KubeRequestHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("mloperator.kube.request");

    private readonly KubeClientOptions _options;
    private readonly TimeProvider _time;
    private readonly KubeRateLimiter _limiter;
    private readonly KubeClientMetrics _metrics;
    private readonly ResiliencePipeline<HttpResponseMessage> _retrying;

    public KubeRequestHandler(KubeClientOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new KubeClientOptions();
        _time = time ?? TimeProvider.System;
        _limiter = new KubeRateLimiter(_options.Qps, _options.Burst, _time);
        _metrics = new KubeClientMetrics(_options.Meter);
        _retrying = BuildRetryPipeline(_options, _time);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.UserAgent.Clear();
        request.Headers.UserAgent.TryParseAdd(_options.UserAgent);
        if (request.RequestUri?.Scheme == Uri.UriSchemeHttp)
        {
            // kubectl's rule, which the library does not keep: plain http never carries credentials.
            request.Headers.Authorization = null;
        }

        var call = KubeRequest.Describe(request);
        if (!await IsIdempotentAsync(request, call, cancellationToken).ConfigureAwait(false) || _options.MaxAttempts <= 1)
        {
            return await AttemptAsync(request, call, cancellationToken).ConfigureAwait(false);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await _retrying.ExecuteAsync(
                static (context, state) => new ValueTask<HttpResponseMessage>(
                    state.self.AttemptAsync(state.request, state.call, context.CancellationToken)),
                context, (self: this, request, call)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<HttpResponseMessage> AttemptAsync(HttpRequestMessage request, KubeRequest call, CancellationToken ct)
    {
        await _limiter.WaitAsync(ct).ConfigureAwait(false);
        using var timeout = _options.RequestTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = timeout is null ? CancellationTokenSource.CreateLinkedTokenSource(ct) : CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var start = _time.GetTimestamp();
        int? code = null;
        try
        {
            var response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
            code = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode || !call.Streaming)
            {
                // The timeout covers the body too (a watch's body is the stream, read for as long as the watch lasts);
                // error bodies are small and read twice (retry decision, then the library's exception).
                await response.Content.LoadIntoBufferAsync(linked.Token).ConfigureAwait(false);
            }

            return response;
        }
        catch (OperationCanceledException e) when (timeout?.IsCancellationRequested == true && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri} timed out after {_options.RequestTimeout.TotalSeconds:0.###}s", e);
        }
        finally
        {
            _metrics.Record(call.Verb, call.Resource, KubeClientMetrics.Code(code), _time.GetElapsedTime(start));
        }
    }

    /// <summary>
    /// Reads, deletes and applies may be repeated; a PUT with a resourceVersion either applies once or fails with
    /// Conflict. Creates and other patches are never repeated: the first may have succeeded.
    /// </summary>
    private static async ValueTask<bool> IsIdempotentAsync(HttpRequestMessage request, KubeRequest call, CancellationToken ct)
    {
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Delete)
        {
            return true;
        }

        if (request.Method == HttpMethod.Patch)
        {
            return call.Verb == "apply";
        }

        if (request.Method != HttpMethod.Put || request.Content is null)
        {
            return false;
        }

        var body = await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("metadata", out var metadata)
                && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("resourceVersion", out var rv)
                && rv.ValueKind == JsonValueKind.String && rv.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildRetryPipeline(KubeClientOptions options, TimeProvider time) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.RetryJitter,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? IsTransient(response) : IsTransient(args.Outcome.Exception)),
                DelayGenerator = args => ValueTask.FromResult(ServerDelay(args.Outcome.Result, options.MaxRetryDelay, time)),
                OnRetry = args =>
                {
                    if (options.Logger is { } logger && args.Context.Properties.TryGetValue(RequestKey, out var request))
                    {
                        logger.LogWarning("{Method} {Url} failed ({Error}); attempt {Attempt} of {MaxAttempts} in {DelayMs} ms",
                            request.Method, request.RequestUri, Describe(args.Outcome), args.AttemptNumber + 2, options.MaxAttempts,
                            (long)args.RetryDelay.TotalMilliseconds);
                    }

                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    /// <summary>Answers worth another try: throttling and server errors (501 says the server never will).</summary>
    internal static bool IsTransient(HttpResponseMessage response) =>
        (int)response.StatusCode is 429 or (>= 500 and not 501);

    /// <summary>Failures worth another try: timeouts and connections that failed.</summary>
    internal static bool IsTransient(Exception? error) => error switch
    {
        // A certificate the client does not trust will not become trusted by asking again.
        HttpRequestException { InnerException: AuthenticationException } => false,
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>The server's Retry-After (header, else Status details.retryAfterSeconds), capped; null lets the back-off decide.</summary>
    internal static TimeSpan? ServerDelay(HttpResponseMessage? response, TimeSpan cap, TimeProvider time)
    {
        if (response is null)
        {
            return null;
        }

        var wait = KubeErrors.RetryAfter(response.Headers.RetryAfter, time) ?? KubeErrors.RetryAfterFromBody(response);
        return wait is null ? null : wait.Value > cap ? cap : wait.Value < TimeSpan.Zero ? TimeSpan.Zero : wait.Value;
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Result is { } response
        ? KubeErrors.Summary(response)
        : outcome.Exception?.Message ?? "unknown";
}
