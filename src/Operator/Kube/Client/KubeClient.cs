using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOperator.Operator.Kube.Config;
using MlOperator.Operator.Kube.Models;
using Polly;
using Polly.Retry;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// The Kubernetes REST client: one pooled HttpClient, JSON streamed in and out, client-side throttling, retries of
/// idempotent calls on 429/5xx/connection failures, and request metrics.
/// </summary>
public sealed class KubeClient : IKubeClient, IDisposable
{
    private const string JsonContent = "application/json";
    private const string ApplyContent = "application/apply-patch+yaml";

    private readonly HttpClient _http;
    private readonly string _baseUrl;
    private readonly KubeClientOptions _options;
    private readonly TimeProvider _time;
    private readonly KubeRateLimiter _limiter;
    private readonly KubeClientMetrics _metrics;
    private readonly BearerTokenSource? _token;
    private readonly string? _basicAuth;
    private readonly ResiliencePipeline _retrying;

    /// <summary>
    /// A client over <paramref name="handler"/> (tests pass a fake; <see cref="FromConfig"/> builds the real TLS one).
    /// The client owns and disposes the handler.
    /// </summary>
    public KubeClient(KubeClientConfig config, HttpMessageHandler handler, KubeClientOptions? options = null, TimeProvider? time = null)
    {
        Config = config;
        _options = options ?? new KubeClientOptions();
        _time = time ?? TimeProvider.System;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.TryParseAdd(_options.UserAgent);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _baseUrl = config.Server.AbsoluteUri.TrimEnd('/');
        _limiter = new KubeRateLimiter(_options.Qps, _options.Burst, _time);
        _metrics = new KubeClientMetrics(_options.Meter);
        if (config.SendsCredentials)
        {
            if (config.Token is not null || config.TokenFile is not null)
            {
                _token = new BearerTokenSource(config.Token, config.TokenFile, _time);
            }
            else if (config.Username is not null)
            {
                _basicAuth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{config.Username}:{config.Password}"));
            }
        }

        _retrying = BuildRetryPipeline(_options, _time);
    }

    public KubeClientConfig Config { get; }

    /// <summary>The usual way to get a client: TLS, credentials and server from the config (see <see cref="KubeConfigLoader"/>).</summary>
    public static KubeClient FromConfig(KubeClientConfig config, KubeClientOptions? options = null, TimeProvider? time = null)
    {
        options ??= new KubeClientOptions();
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.GZip,
            // Re-resolve DNS now and then, so a moved API endpoint is followed.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            SslOptions = KubeTls.Create(config),
        };
        return new KubeClient(config, handler, options, time);
    }

    public void Dispose() => _http.Dispose();

    public Task<T> GetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject
    {
        var resource = KubeResourceAttribute.For<T>();
        var call = new Call("get", resource, HttpMethod.Get, Url(KubeUrl.Path(resource, NamespaceFor(resource, ns), name)), Idempotent: true);
        return SendAsync(call, ReadJson<T>, ct);
    }

    public async Task<T?> TryGetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject
    {
        try
        {
            return await GetAsync<T>(name, ns, ct).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public Task<KubeList<T>> ListAsync<T>(string? ns = null, ListOptions? options = null, CancellationToken ct = default)
        where T : class, IKubernetesObject
    {
        var resource = KubeResourceAttribute.For<T>();
        var url = Url(KubeUrl.Path(resource, ns), KubeUrl.ListQuery(options));
        return SendAsync(new Call("list", resource, HttpMethod.Get, url, Idempotent: true), ReadJson<KubeList<T>>, ct);
    }

    public Task<T> CreateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject
    {
        var resource = KubeResourceAttribute.For<T>();
        var url = Url(KubeUrl.Path(resource, NamespaceFor(resource, obj.Metadata.Namespace)));
        var call = new Call("create", resource, HttpMethod.Post, url, Idempotent: false, Serialize(obj), JsonContent);
        return SendAsync(call, ReadJson<T>, ct);
    }

    public Task<T> UpdateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject =>
        PutAsync(obj, subresource: null, "update", ct);

    public Task<T> UpdateStatusAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject =>
        PutAsync(obj, "status", "update", ct);

    public Task<T> PatchAsync<T>(string name, string? ns, KubePatch patch, string? subresource = null, CancellationToken ct = default)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(patch);
        var resource = KubeResourceAttribute.For<T>();
        var url = Url(KubeUrl.Path(resource, NamespaceFor(resource, ns), name, subresource));
        var call = new Call("patch", resource, HttpMethod.Patch, url, Idempotent: false, Encoding.UTF8.GetBytes(patch.Body),
            patch.ContentType, subresource);
        return SendAsync(call, ReadJson<T>, ct);
    }

    public Task<T> ApplyAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.FieldManager))
        {
            throw new ArgumentException("server-side apply needs a field manager", nameof(options));
        }

        var resource = KubeResourceAttribute.For<T>();
        var url = Url(KubeUrl.Path(resource, NamespaceFor(resource, obj.Metadata.Namespace), NameOf(obj), options.Subresource),
            new KubeUrl.Query().Add("fieldManager", options.FieldManager).Add("force", options.Force));
        // Apply sends the whole intent each time, so repeating it is safe.
        var call = new Call("apply", resource, HttpMethod.Patch, url, Idempotent: true, SerializeForApply(obj), ApplyContent, options.Subresource);
        return SendAsync(call, ReadJson<T>, ct);
    }

    public Task DeleteAsync<T>(string name, string? ns = null, DeleteOptions? options = null, CancellationToken ct = default)
        where T : class, IKubernetesObject
    {
        var resource = KubeResourceAttribute.For<T>();
        var url = Url(KubeUrl.Path(resource, NamespaceFor(resource, ns), name));
        var body = options is null ? null : SerializeDeleteOptions(options);
        var call = new Call("delete", resource, HttpMethod.Delete, url, Idempotent: true, body, body is null ? null : JsonContent);
        return SendAsync(call, static (_, _) => ValueTask.FromResult(true), ct);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? ns = null, WatchOptions? options = null,
        [EnumeratorCancellation] CancellationToken ct = default) where T : class, IKubernetesObject
    {
        var resource = KubeResourceAttribute.For<T>();
        var url = Url(KubeUrl.Path(resource, ns), KubeUrl.WatchQuery(options));
        var call = new Call("watch", resource, HttpMethod.Get, url, Idempotent: true, Streaming: true);
        using var response = await SendAsync(call, static (r, _) => ValueTask.FromResult(r), ct).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await foreach (var e in WatchStreamReader.ReadAsync<T>(stream, ct).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    private Task<T> PutAsync<T>(T obj, string? subresource, string verb, CancellationToken ct) where T : class, IKubernetesObject
    {
        var resource = KubeResourceAttribute.For<T>();
        var url = Url(KubeUrl.Path(resource, NamespaceFor(resource, obj.Metadata.Namespace), NameOf(obj), subresource));
        // With a resourceVersion a repeated PUT either applies once or fails with Conflict; without one it could overwrite.
        var idempotent = !string.IsNullOrEmpty(obj.Metadata.ResourceVersion);
        var call = new Call(verb, resource, HttpMethod.Put, url, idempotent, Serialize(obj), JsonContent, subresource);
        return SendAsync(call, ReadJson<T>, ct);
    }

    private async Task<TResult> SendAsync<TResult>(Call call, Func<HttpResponseMessage, CancellationToken, ValueTask<TResult>> read,
        CancellationToken ct)
    {
        if (!call.Idempotent || _options.MaxAttempts <= 1)
        {
            return await AttemptAsync(call, read, ct).ConfigureAwait(false);
        }

        return await _retrying.ExecuteAsync(
            static (state, token) => state.self.AttemptAsync(state.call, state.read, token),
            (self: this, call, read), ct).ConfigureAwait(false);
    }

    private async ValueTask<TResult> AttemptAsync<TResult>(Call call, Func<HttpResponseMessage, CancellationToken, ValueTask<TResult>> read,
        CancellationToken ct)
    {
        await _limiter.WaitAsync(ct).ConfigureAwait(false);
        using var timeout = _options.RequestTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = timeout is null ? CancellationTokenSource.CreateLinkedTokenSource(ct) : CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var start = _time.GetTimestamp();
        int? code = null;
        HttpResponseMessage? response = null;
        try
        {
            using var request = CreateRequest(call);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            code = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                throw await KubeErrors.FromResponseAsync(response, _time, linked.Token).ConfigureAwait(false);
            }

            if (call.Streaming)
            {
                // The caller reads the stream for as long as the watch lasts; the timeout only covered the headers.
                var streamed = await read(response, ct).ConfigureAwait(false);
                response = null;
                return streamed;
            }

            return await read(response, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout?.IsCancellationRequested == true && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{call.Method} {call.Url} timed out after {_options.RequestTimeout.TotalSeconds:0.###}s", e);
        }
        finally
        {
            response?.Dispose();
            _metrics.Record(call.Verb, call.MetricResource, KubeClientMetrics.Code(code), _time.GetElapsedTime(start));
        }
    }

    private HttpRequestMessage CreateRequest(Call call)
    {
        var request = new HttpRequestMessage(call.Method, call.Url);
        if (call.Body is not null)
        {
            request.Content = new ByteArrayContent(call.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(call.ContentType ?? JsonContent);
        }

        if (_token?.GetToken() is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (_basicAuth is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basicAuth);
        }

        return request;
    }

    private static ResiliencePipeline BuildRetryPipeline(KubeClientOptions options, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.RetryJitter,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome.Exception)),
                DelayGenerator = args => ValueTask.FromResult(ServerDelay(args.Outcome.Exception, options.MaxRetryDelay)),
            })
            .Build();

    /// <summary>What is worth another try: throttling, server errors, timeouts and connections that failed.</summary>
    internal static bool IsTransient(Exception? error) => error switch
    {
        TooManyRequestsException => true,
        KubeApiException api => api.StatusCode is >= 500 and not 501,
        // A certificate the client does not trust will not become trusted by asking again.
        HttpRequestException { InnerException: AuthenticationException } => false,
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>The server's Retry-After, capped; null lets the exponential back-off decide.</summary>
    internal static TimeSpan? ServerDelay(Exception? error, TimeSpan cap)
    {
        var wait = error switch
        {
            TooManyRequestsException { RetryAfter: { } after } => after,
            KubeApiException api when api.Data[KubeErrors.RetryAfterKey] is TimeSpan after => after,
            _ => (TimeSpan?)null,
        };
        return wait is null ? null : wait.Value > cap ? cap : wait.Value < TimeSpan.Zero ? TimeSpan.Zero : wait.Value;
    }

    private static async ValueTask<T> ReadJson<T>(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync<T>(stream, KubeJson.Options, ct).ConfigureAwait(false)
            ?? throw new JsonException($"the server answered {typeof(T).Name} with null");
    }

    private string Url(string path, KubeUrl.Query? query = null) => query is null ? _baseUrl + path : _baseUrl + path + query;

    private string? NamespaceFor(KubeResourceAttribute resource, string? ns) =>
        resource.Namespaced ? (string.IsNullOrEmpty(ns) ? Config.Namespace : ns) : null;

    private static string NameOf(IKubernetesObject obj) =>
        string.IsNullOrEmpty(obj.Metadata?.Name)
            ? throw new ArgumentException($"the {obj.Kind} has no metadata.name", nameof(obj))
            : obj.Metadata.Name;

    private static byte[] Serialize<T>(T obj) where T : class, IKubernetesObject =>
        JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), KubeJson.Options);

    /// <summary>The apiserver rejects an apply body that carries managedFields, which objects read back do.</summary>
    private static byte[] SerializeForApply<T>(T obj) where T : class, IKubernetesObject
    {
        if (obj.Metadata?.ManagedFields is null)
        {
            return Serialize(obj);
        }

        var node = JsonSerializer.SerializeToNode(obj, obj.GetType(), KubeJson.Options)!.AsObject();
        (node["metadata"] as JsonObject)?.Remove("managedFields");
        return JsonSerializer.SerializeToUtf8Bytes(node, KubeJson.Options);
    }

    internal static byte[] SerializeDeleteOptions(DeleteOptions options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", "DeleteOptions");
            json.WriteString("apiVersion", "v1");
            if (options.PropagationPolicy is { } policy)
            {
                json.WriteString("propagationPolicy", policy.ToString());
            }

            if (options.GracePeriodSeconds is { } grace)
            {
                json.WriteNumber("gracePeriodSeconds", grace);
            }

            if (options.PreconditionUid is not null || options.PreconditionResourceVersion is not null)
            {
                json.WriteStartObject("preconditions");
                if (options.PreconditionUid is not null)
                {
                    json.WriteString("uid", options.PreconditionUid);
                }

                if (options.PreconditionResourceVersion is not null)
                {
                    json.WriteString("resourceVersion", options.PreconditionResourceVersion);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private sealed record Call(
        string Verb,
        KubeResourceAttribute Resource,
        HttpMethod Method,
        string Url,
        bool Idempotent,
        byte[]? Body = null,
        string? ContentType = null,
        string? Subresource = null,
        bool Streaming = false)
    {
        public string MetricResource => Subresource is null ? Resource.GroupResource : $"{Resource.GroupResource}/{Subresource}";
    }
}
