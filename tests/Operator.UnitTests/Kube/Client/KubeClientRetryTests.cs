using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using MlOperator.Operator.Kube.Client;
using k8s.Models;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Client;

public sealed class KubeClientRetryTests : IDisposable
{
    private const string Ok = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"risk"}}""";
    private static readonly string Unavailable = FakeHttpHandler.Status(503, "ServiceUnavailable", "etcd is busy");

    private readonly FakeTimeProvider _time = new();
    private readonly FakeHttpHandler _handler;
    private readonly KubeClient _client;

    public KubeClientRetryTests()
    {
        _handler = new FakeHttpHandler(_time);
        // No request timeout and no throttling, so the only timers are retry delays.
        _client = Client(new KubeClientOptions { Qps = 0, RequestTimeout = Timeout.InfiniteTimeSpan, MaxAttempts = 4, MaxRetryDelay = TimeSpan.FromSeconds(20) });
    }

    public void Dispose() => _client.Dispose();

    private KubeClient Client(KubeClientOptions options) => _handler.Client("https://k", "risk", options: options);

    private static V1Deployment Deployment(string? resourceVersion = null) =>
        new() { ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "risk", ResourceVersion = resourceVersion } };

    private async Task<T> Drive<T>(Task<T> call)
    {
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => call.IsCompleted, "the call to finish");
        return await call;
    }

    private async Task Drive(Task call)
    {
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => call.IsCompleted, "the call to finish");
        await call;
    }

    public static TheoryData<string> IdempotentCalls => ["get", "list", "update-with-rv", "update-status-with-rv", "apply", "delete", "watch"];

    [Theory]
    [MemberData(nameof(IdempotentCalls))]
    public async Task Retries_idempotent_calls_on_server_errors(string call)
    {
        _handler.Respond(HttpStatusCode.ServiceUnavailable, Unavailable)
            .Respond(HttpStatusCode.InternalServerError, FakeHttpHandler.Status(500, "InternalError", "boom"))
            .Respond(HttpStatusCode.OK, call == "list" ? """{"items":[]}""" : call == "watch" ? "" : Ok);

        await Drive(Invoke(call));

        Assert.Equal(3, _handler.Requests.Count);
    }

    public static TheoryData<string> NonIdempotentCalls => ["create", "update-without-rv", "merge-patch", "json-patch", "strategic-patch"];

    [Theory]
    [MemberData(nameof(NonIdempotentCalls))]
    public async Task Never_retries_creates_or_non_idempotent_writes(string call)
    {
        _handler.Respond(HttpStatusCode.ServiceUnavailable, Unavailable).Respond(HttpStatusCode.OK, Ok);

        var error = await Assert.ThrowsAsync<KubeApiException>(() => Invoke(call));

        Assert.Equal(503, error.StatusCode);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Never_retries_a_create_that_was_throttled()
    {
        _handler.Respond(HttpStatusCode.TooManyRequests, FakeHttpHandler.Status(429, "TooManyRequests", "slow"), r => r.Headers.RetryAfter = new(TimeSpan.FromSeconds(1)));

        await Assert.ThrowsAsync<TooManyRequestsException>(() => _client.CreateAsync(Deployment()));

        Assert.Single(_handler.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "NotFound")]
    [InlineData(HttpStatusCode.Conflict, "Conflict")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "Invalid")]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden")]
    [InlineData(HttpStatusCode.NotImplemented, "NotImplemented")]
    public async Task Does_not_retry_answers_that_would_not_change(HttpStatusCode code, string reason)
    {
        _handler.Respond(code, FakeHttpHandler.Status((int)code, reason, "no"));

        await Assert.ThrowsAnyAsync<KubeApiException>(() => _client.GetAsync<V1Deployment>("web"));

        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Waits_exactly_the_retry_after_the_server_asked_for()
    {
        _handler.Respond(HttpStatusCode.TooManyRequests, FakeHttpHandler.Status(429, "TooManyRequests", "slow"), r => r.Headers.RetryAfter = new(TimeSpan.FromSeconds(3)))
            .Respond(HttpStatusCode.OK, Ok);
        var start = _time.GetUtcNow();

        var call = _client.GetAsync<V1Deployment>("web");
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the retry delay to start");
        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.Single(_handler.Requests);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await call;

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(3)], _handler.Requests.Select(r => r.At - start));
    }

    [Fact]
    public async Task Honours_retry_after_from_the_status_details()
    {
        _handler.Respond(HttpStatusCode.TooManyRequests, FakeHttpHandler.Status(429, "TooManyRequests", "slow", """{"retryAfterSeconds":2}"""))
            .Respond(HttpStatusCode.OK, Ok);
        var start = _time.GetUtcNow();

        var call = _client.GetAsync<V1Deployment>("web");
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the retry delay to start");
        _time.Advance(TimeSpan.FromSeconds(2));
        await call;

        Assert.Equal(TimeSpan.FromSeconds(2), _handler.Requests[1].At - start);
    }

    [Fact]
    public async Task Caps_a_long_retry_after()
    {
        _handler.Respond(HttpStatusCode.ServiceUnavailable, Unavailable, r => r.Headers.RetryAfter = new(TimeSpan.FromHours(1)))
            .Respond(HttpStatusCode.OK, Ok);
        var start = _time.GetUtcNow();

        var call = _client.GetAsync<V1Deployment>("web");
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the retry delay to start");
        _time.Advance(TimeSpan.FromSeconds(20));
        await call;

        Assert.Equal(TimeSpan.FromSeconds(20), _handler.Requests[1].At - start);
    }

    [Fact]
    public async Task Gives_up_after_max_attempts_with_the_last_error()
    {
        _handler.Fallback = _ => FakeHttpHandler.Json(HttpStatusCode.ServiceUnavailable, Unavailable);

        var error = await Assert.ThrowsAsync<KubeApiException>(() => Drive(_client.GetAsync<V1Deployment>("web")));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(4, _handler.Requests.Count);
    }

    [Fact]
    public async Task Backs_off_exponentially_between_attempts()
    {
        // Jitter off: with it on, single decorrelated-jitter samples need not grow monotonically.
        using var client = Client(new KubeClientOptions
        {
            Qps = 0, RequestTimeout = Timeout.InfiniteTimeSpan, MaxAttempts = 4, RetryJitter = false, RetryBaseDelay = TimeSpan.FromMilliseconds(200),
        });
        _handler.Fallback = _ => FakeHttpHandler.Json(HttpStatusCode.ServiceUnavailable, Unavailable);

        var call = client.GetAsync<V1Deployment>("web");
        foreach (var (wait, attempts) in new[] { (200, 1), (400, 2), (800, 3) })
        {
            await Eventually.TrueAsync(() => _time.PendingTimers == 1, $"back-off after attempt {attempts}");
            _time.Advance(TimeSpan.FromMilliseconds(wait - 1));
            Assert.Equal(attempts, _handler.Requests.Count);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.TrueAsync(() => _handler.Requests.Count == attempts + 1, $"attempt {attempts + 1}");
        }

        await Assert.ThrowsAsync<KubeApiException>(() => call);
        var gaps = _handler.Requests.Zip(_handler.Requests.Skip(1), (a, b) => b.At - a.At);
        Assert.Equal([200, 400, 800], gaps.Select(g => g.TotalMilliseconds));
    }

    [Fact]
    public async Task Jittered_back_off_still_waits_before_each_attempt()
    {
        _handler.Fallback = _ => FakeHttpHandler.Json(HttpStatusCode.ServiceUnavailable, Unavailable);

        await Assert.ThrowsAsync<KubeApiException>(() => Drive(_client.GetAsync<V1Deployment>("web")));

        Assert.All(_handler.Requests.Zip(_handler.Requests.Skip(1), (a, b) => b.At - a.At), gap => Assert.True(gap > TimeSpan.Zero));
    }

    [Fact]
    public async Task Logs_each_retry_with_the_request_the_reason_and_the_wait()
    {
        var logger = new CapturingLogger();
        using var client = Client(new KubeClientOptions { Qps = 0, RequestTimeout = Timeout.InfiniteTimeSpan, MaxAttempts = 4, RetryJitter = false, Logger = logger });
        _handler.Respond(HttpStatusCode.ServiceUnavailable, Unavailable).Respond(HttpStatusCode.OK, Ok);

        await Drive(client.GetAsync<V1Deployment>("web"));

        var (level, message) = Assert.Single(logger.Messages);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal("GET https://k/apis/apps/v1/namespaces/risk/deployments/web failed (503 ServiceUnavailable: etcd is busy); attempt 2 of 4 in 200 ms", message);
    }

    [Fact]
    public async Task Retries_connection_failures_for_reads()
    {
        _handler.Throw(new HttpRequestException("Connection refused")).Respond(HttpStatusCode.OK, Ok);

        var deployment = await Drive(_client.GetAsync<V1Deployment>("web"));

        Assert.Equal("web", deployment.Metadata.Name);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task A_request_that_outlives_its_timeout_is_retried_when_idempotent()
    {
        using var client = Client(new KubeClientOptions { Qps = 0, RequestTimeout = TimeSpan.FromSeconds(5), MaxAttempts = 2 });
        _handler.Hang().Respond(HttpStatusCode.OK, Ok);

        await Drive(client.GetAsync<V1Deployment>("web"));

        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task A_create_that_times_out_throws_a_timeout()
    {
        using var client = Client(new KubeClientOptions { Qps = 0, RequestTimeout = TimeSpan.FromSeconds(5) });
        _handler.Hang();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Drive(client.CreateAsync(Deployment())));

        Assert.Equal("POST https://k/apis/apps/v1/namespaces/risk/deployments timed out after 5s", error.Message);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_retried()
    {
        using var cts = new CancellationTokenSource();
        _handler.Hang();

        var call = _client.GetAsync<V1Deployment>("web", ct: cts.Token);
        await Eventually.TrueAsync(() => _handler.Requests.Count == 1, "the request to be sent");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Throttles_requests_beyond_the_burst()
    {
        using var client = Client(new KubeClientOptions { Qps = 1, Burst = 1, RequestTimeout = Timeout.InfiniteTimeSpan });
        _handler.Fallback = _ => FakeHttpHandler.Json(HttpStatusCode.OK, Ok);

        await client.GetAsync<V1Deployment>("web");
        var second = client.GetAsync<V1Deployment>("web");
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the second request to wait for a token");
        Assert.Single(_handler.Requests);
        _time.Advance(TimeSpan.FromSeconds(1));
        await second;

        Assert.Equal(TimeSpan.FromSeconds(1), _handler.Requests[1].At - _handler.Requests[0].At);
    }

    private async Task Invoke(string call)
    {
        switch (call)
        {
            case "get":
                await _client.GetAsync<V1Deployment>("web");
                break;
            case "list":
                await _client.ListAsync<V1Deployment>("risk");
                break;
            case "update-with-rv":
                await _client.UpdateAsync(Deployment("4"));
                break;
            case "update-status-with-rv":
                await _client.UpdateStatusAsync(Deployment("4"));
                break;
            case "update-without-rv":
                await _client.UpdateAsync(Deployment());
                break;
            case "apply":
                await _client.ApplyAsync(Deployment(), new ApplyOptions("mgr"));
                break;
            case "delete":
                await _client.DeleteAsync<V1Deployment>("web");
                break;
            case "watch":
                await foreach (var _ in _client.WatchAsync<V1Deployment>("risk"))
                {
                }

                break;
            case "create":
                await _client.CreateAsync(Deployment());
                break;
            case "merge-patch":
                await _client.PatchAsync<V1Deployment>("web", "risk", new V1Patch("{}", V1Patch.PatchType.MergePatch));
                break;
            case "json-patch":
                await _client.PatchAsync<V1Deployment>("web", "risk", new V1Patch("[]", V1Patch.PatchType.JsonPatch));
                break;
            case "strategic-patch":
                await _client.PatchAsync<V1Deployment>("web", "risk", new V1Patch("{}", V1Patch.PatchType.StrategicMergePatch));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(call));
        }
    }
}
