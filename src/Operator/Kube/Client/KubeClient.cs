using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// <see cref="IKubeClient"/> over the library's <see cref="IKubernetes"/>: one generic path for every kind through its
/// custom-object operations (which address core kinds at /api/v1 too), errors mapped to our exceptions. Throttling,
/// retries and metrics live in <see cref="KubeRequestHandler"/> inside the library's HTTP pipeline.
/// </summary>
public sealed class KubeClient : IKubeClient, IDisposable
{
    private readonly IKubernetes _api;
    private readonly string _defaultNamespace;
    private readonly TimeProvider _time;

    public KubeClient(IKubernetes api, string defaultNamespace = "default", TimeProvider? time = null)
    {
        _api = api;
        _defaultNamespace = defaultNamespace;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The library's client for <paramref name="connection"/>, with our handler in its pipeline.</summary>
    /// <remarks>A <c>transport</c> handler, when given, answers in place of the network (tests); it must not call on.</remarks>
    public static KubeClient Create(KubeConnection connection, KubeClientOptions? options = null, TimeProvider? time = null,
        DelegatingHandler? transport = null)
    {
        options ??= new KubeClientOptions();
        DelegatingHandler[] handlers = transport is null
            ? [new KubeRequestHandler(options, time)]
            : [new KubeRequestHandler(options, time), transport];
        // The library builds the SocketsHttpHandler; these are the transport settings our options name.
        connection.Configuration.FirstMessageHandlerSetup ??= handler =>
        {
            handler.ConnectTimeout = options.ConnectTimeout;
            // Re-resolve DNS now and then, so a moved API endpoint is followed.
            handler.PooledConnectionLifetime = TimeSpan.FromMinutes(10);
            handler.AutomaticDecompression = System.Net.DecompressionMethods.GZip;
        };
        Kubernetes api;
        try
        {
            api = new Kubernetes(connection.Configuration, handlers);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException or IOException)
        {
            throw new KubeConfigException($"{connection.Source}: client certificate / key: {e.Message}", e);
        }

        // Our handler times each attempt; the library's overall timeout would cut retries short.
        api.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        return new KubeClient(api, connection.Namespace, time);
    }

    /// <summary>Loads configuration the kubectl way (see <see cref="KubeConnectionLoader.Load"/>) and connects to it.</summary>
    public static KubeClient Create(KubeConnectionOptions? load = null, KubeClientOptions? options = null, TimeProvider? time = null) =>
        Create(KubeConnectionLoader.Load(load), options, time);

    public IKubernetes Api => _api;

    public void Dispose() => _api.Dispose();

    public Task<T> GetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var (r, n) = Target<T>(ns);
        return Call(() => n is null
            ? _api.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<T>(r.Group, r.Version, r.Plural, name, cancellationToken: ct)
            : _api.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<T>(r.Group, r.Version, n, r.Plural, name, cancellationToken: ct));
    }

    public async Task<T?> TryGetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
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

    public Task<KubernetesList<T>> ListAsync<T>(string? ns = null, ListOptions? options = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var r = KubeResource.For<T>();
        var n = r.Namespaced ? ns : null;
        var o = options ?? new ListOptions();
        return Call(() => n is null
            ? _api.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<KubernetesList<T>>(r.Group, r.Version, r.Plural,
                continueParameter: o.Continue, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: o.Limit,
                resourceVersion: o.ResourceVersion, cancellationToken: ct)
            : _api.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<KubernetesList<T>>(r.Group, r.Version, n, r.Plural,
                continueParameter: o.Continue, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: o.Limit,
                resourceVersion: o.ResourceVersion, cancellationToken: ct));
    }

    public Task<T> CreateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        CreateCoreAsync<T, T>(obj, ct);

    public Task CreateWithoutResultAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        CreateCoreAsync<T, Unread>(obj, ct);

    private Task<TResult> CreateCoreAsync<T, TResult>(T obj, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        KubeResource.Stamp(obj);
        var (r, n) = Target<T>(obj.Metadata?.NamespaceProperty);
        return Call(() => n is null
            ? _api.CustomObjects.CreateClusterCustomObjectWithHttpMessagesAsync<TResult>(obj, r.Group, r.Version, r.Plural, cancellationToken: ct)
            : _api.CustomObjects.CreateNamespacedCustomObjectWithHttpMessagesAsync<TResult>(obj, r.Group, r.Version, n, r.Plural, cancellationToken: ct));
    }

    public Task<T> UpdateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        ReplaceAsync(obj, status: false, ct);

    public Task<T> UpdateStatusAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        ReplaceAsync(obj, status: true, ct);

    public Task<T> PatchAsync<T>(string name, string? ns, V1Patch patch, string? subresource = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(patch);
        return PatchCoreAsync<T, T>(name, ns, patch, subresource, fieldManager: null, force: null, ct);
    }

    public Task PatchWithoutResultAsync<T>(string name, string? ns, V1Patch patch, string? subresource = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(patch);
        return PatchCoreAsync<T, Unread>(name, ns, patch, subresource, fieldManager: null, force: null, ct);
    }

    public Task<T> ApplyAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        ApplyCoreAsync<T, T>(obj, options, ct);

    public Task ApplyWithoutResultAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        ApplyCoreAsync<T, Unread>(obj, options, ct);

    private Task<TResult> ApplyCoreAsync<T, TResult>(T obj, ApplyOptions options, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.FieldManager))
        {
            throw new ArgumentException("server-side apply needs a field manager", nameof(options));
        }

        var patch = new V1Patch(ApplyBody(KubeResource.Stamp(obj)), V1Patch.PatchType.ApplyPatch);
        return PatchCoreAsync<T, TResult>(NameOf(obj), obj.Metadata?.NamespaceProperty, patch, options.Subresource, options.FieldManager,
            options.Force ? true : null, ct);
    }

    public async Task DeleteAsync<T>(string name, string? ns = null, DeleteOptions? options = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var (r, n) = Target<T>(ns);
        var body = options is null ? null : new V1DeleteOptions
        {
            PropagationPolicy = options.PropagationPolicy?.ToString(),
            GracePeriodSeconds = options.GracePeriodSeconds,
            Preconditions = options.PreconditionUid is null && options.PreconditionResourceVersion is null
                ? null
                : new V1Preconditions { Uid = options.PreconditionUid, ResourceVersion = options.PreconditionResourceVersion },
        };
        try
        {
            using var response = n is null
                ? await _api.CustomObjects.DeleteClusterCustomObjectWithHttpMessagesAsync(r.Group, r.Version, r.Plural, name, body, cancellationToken: ct).ConfigureAwait(false)
                : await _api.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync(r.Group, r.Version, n, r.Plural, name, body, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw KubeErrors.FromOperation(e, _time);
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? ns = null, WatchOptions? options = null,
        [EnumeratorCancellation] CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var r = KubeResource.For<T>();
        var n = r.Namespaced ? ns : null;
        var o = options ?? new WatchOptions();
        Exception? failure = null;
        var response = n is null
            ? _api.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<T>(r.Group, r.Version, r.Plural,
                allowWatchBookmarks: o.AllowBookmarks ? true : null, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector,
                resourceVersion: o.ResourceVersion, timeoutSeconds: o.TimeoutSeconds, watch: true, cancellationToken: ct)
            : _api.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<T>(r.Group, r.Version, n, r.Plural,
                allowWatchBookmarks: o.AllowBookmarks ? true : null, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector,
                resourceVersion: o.ResourceVersion, timeoutSeconds: o.TimeoutSeconds, watch: true, cancellationToken: ct);
        var empty = false;
        try
        {
            // The library reads the first line before it answers, so this waits for the first event.
            await response.ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw KubeErrors.FromOperation(e, _time);
        }
        catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
        {
            // The server closed the watch before any event (timeoutSeconds, a restart): a clean, empty end.
            empty = true;
        }

        if (empty)
        {
            yield break;
        }

        // The library's only typed watch over the generic operations; its replacement yields untyped objects.
#pragma warning disable CS0618
        var events = response.WatchAsync<T, T>(e => failure ??= e, ct);
#pragma warning restore CS0618
        await foreach (var (type, obj) in events.ConfigureAwait(false))
        {
            ThrowIfFailed(failure);
            yield return new WatchEvent<T>(type, obj);
        }

        ThrowIfFailed(failure);
    }

    /// <summary>An ERROR event (410 Expired above all) or a line that did not decode ends the watch as an exception.</summary>
    private static void ThrowIfFailed(Exception? failure)
    {
        switch (failure)
        {
            case null:
                return;
            case KubernetesException { Status: { } status }:
                throw KubeErrors.FromStatus(status, status.Code ?? 500, inner: failure);
            default:
                throw new IOException($"the watch stream broke: {failure.Message}", failure);
        }
    }

    private Task<T> ReplaceAsync<T>(T obj, bool status, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        KubeResource.Stamp(obj);
        var (r, n) = Target<T>(obj.Metadata?.NamespaceProperty);
        var name = NameOf(obj);
        var ops = _api.CustomObjects;
        return Call(() => (n, status) switch
        {
            (null, false) => ops.ReplaceClusterCustomObjectWithHttpMessagesAsync<T>(obj, r.Group, r.Version, r.Plural, name, cancellationToken: ct),
            (null, true) => ops.ReplaceClusterCustomObjectStatusWithHttpMessagesAsync<T>(obj, r.Group, r.Version, r.Plural, name, cancellationToken: ct),
            (_, false) => ops.ReplaceNamespacedCustomObjectWithHttpMessagesAsync<T>(obj, r.Group, r.Version, n, r.Plural, name, cancellationToken: ct),
            (_, true) => ops.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<T>(obj, r.Group, r.Version, n, r.Plural, name, cancellationToken: ct),
        });
    }

    /// <summary>A patch of kind <typeparamref name="T"/> whose response is read as <typeparamref name="TResult"/>.</summary>
    private async Task<TResult> PatchCoreAsync<T, TResult>(string name, string? ns, V1Patch patch, string? subresource, string? fieldManager, bool? force,
        CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var (r, n) = Target<T>(ns);
        return await Call(() => (n, subresource) switch
        {
            (null, null) => _api.CustomObjects.PatchClusterCustomObjectWithHttpMessagesAsync<TResult>(patch, r.Group, r.Version, r.Plural, name,
                fieldManager: fieldManager, force: force, cancellationToken: ct),
            (null, "status") => _api.CustomObjects.PatchClusterCustomObjectStatusWithHttpMessagesAsync<TResult>(patch, r.Group, r.Version, r.Plural, name,
                fieldManager: fieldManager, force: force, cancellationToken: ct),
            (_, null) => _api.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync<TResult>(patch, r.Group, r.Version, n, r.Plural, name,
                fieldManager: fieldManager, force: force, cancellationToken: ct),
            (_, "status") => _api.CustomObjects.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<TResult>(patch, r.Group, r.Version, n, r.Plural, name,
                fieldManager: fieldManager, force: force, cancellationToken: ct),
            _ => throw new NotSupportedException($"subresource {subresource}"),
        }).ConfigureAwait(false);
    }

    private async Task<T> Call<T>(Func<Task<HttpOperationResponse<T>>> send)
    {
        try
        {
            using var response = await send().ConfigureAwait(false);
            return response.Body;
        }
        catch (HttpOperationException e)
        {
            throw KubeErrors.FromOperation(e, _time);
        }
    }

    private (KubeResource Resource, string? Namespace) Target<T>(string? ns)
    {
        var resource = KubeResource.For<T>();
        return (resource, resource.Namespaced ? (string.IsNullOrEmpty(ns) ? _defaultNamespace : ns) : null);
    }

    private static string NameOf(IKubernetesObject<V1ObjectMeta> obj) =>
        string.IsNullOrEmpty(obj.Metadata?.Name)
            ? throw new ArgumentException($"the {obj.Kind} has no metadata.name", nameof(obj))
            : obj.Metadata.Name;

    /// <summary>The apiserver rejects an apply body that carries managedFields, which objects read back do.</summary>
    private static object ApplyBody<T>(T obj) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (obj.Metadata?.ManagedFields is null)
        {
            return obj;
        }

        var node = KubeJson.SerializeToNode(obj);
        (node["metadata"] as JsonObject)?.Remove("managedFields");
        return node.ToJsonString();
    }
}
