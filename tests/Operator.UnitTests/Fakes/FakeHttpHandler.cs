using System.Net;
using System.Text;
using k8s;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>
/// The network in KubernetesClient's HTTP pipeline (the innermost delegating handler, which never calls on): answers
/// from a queue of scripted responses (then from <see cref="Fallback"/>) and records every request it was sent.
/// </summary>
public sealed class FakeHttpHandler(TimeProvider? time = null) : DelegatingHandler
{
    /// <summary>A <see cref="KubeClient"/> whose requests reach this handler, through the library and our request handler.</summary>
    public KubeClient Client(string host = "https://k", string? ns = null, string? token = null, KubeClientOptions? options = null,
        string? username = null, string? password = null) =>
        KubeClient.Create(
            new KubeConnection(new KubernetesClientConfiguration
            {
                Host = host, Namespace = ns, AccessToken = token, Username = username, Password = password,
            }, "test"),
            options ?? new KubeClientOptions { Qps = 0 }, time, transport: this);

    private readonly Lock _gate = new();
    private readonly Queue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly List<RecordedRequest> _requests = [];

    /// <summary>Answers requests once the script is used up; by default a 500 that says so.</summary>
    public Func<RecordedRequest, HttpResponseMessage> Fallback { get; set; } =
        r => Json(HttpStatusCode.InternalServerError, $"{{\"unscripted\":\"{r.Method} {r.PathAndQuery}\"}}");

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public FakeHttpHandler Respond(Func<RecordedRequest, HttpResponseMessage> responder) =>
        RespondAsync((request, _) => Task.FromResult(responder(request)));

    /// <summary>An answer that may take its time, e.g. one that never comes until the request is cancelled.</summary>
    public FakeHttpHandler RespondAsync(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        lock (_gate)
        {
            _script.Enqueue(responder);
        }

        return this;
    }

    /// <summary>Never answers; the request ends only by cancellation (a client timeout).</summary>
    public FakeHttpHandler Hang() => RespondAsync(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    public FakeHttpHandler Respond(HttpStatusCode code, string body, Action<HttpResponseMessage>? configure = null) =>
        Respond(_ =>
        {
            var response = Json(code, body);
            configure?.Invoke(response);
            return response;
        });

    public FakeHttpHandler Throw(Exception error) => Respond(_ => throw error);

    public static HttpResponseMessage Json(HttpStatusCode code, string body) =>
        new(code) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>A Status body as the apiserver writes it.</summary>
    public static string Status(int code, string reason, string message, string? details = null) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}"{{(details is null ? "" : ",\"details\":" + details)}},"code":{{code}}}""";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method,
            request.RequestUri!,
            body,
            request.Content?.Headers.ContentType?.MediaType,
            request.Headers.Authorization?.ToString(),
            request.Headers.UserAgent.ToString(),
            (time ?? TimeProvider.System).GetUtcNow());
        Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? scripted;
        lock (_gate)
        {
            _requests.Add(recorded);
            scripted = _script.Count > 0 ? _script.Dequeue() : null;
        }

        var response = scripted is null ? Fallback(recorded) : await scripted(recorded, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}
