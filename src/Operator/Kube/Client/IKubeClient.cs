using k8s;
using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// Typed access to the Kubernetes API for any kind with a <see cref="KubernetesEntityAttribute"/> (the library's
/// <c>k8s.Models</c> and our ModelDeployment). <c>ns</c> is ignored for cluster-scoped kinds; null on a namespaced kind
/// means the connection's namespace for single objects and all namespaces for list/watch. Errors surface as
/// <see cref="KubeApiException"/> subclasses decoded from the Status body.
/// </summary>
public interface IKubeClient
{
    Task<T> GetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Like <see cref="GetAsync{T}"/>, but null instead of a NotFound exception.</summary>
    Task<T?> TryGetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<KubernetesList<T>> ListAsync<T>(string? ns = null, ListOptions? options = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> CreateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PUT of the main resource; the object's resourceVersion is the optimistic-concurrency precondition.</summary>
    Task<T> UpdateAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PUT of the status subresource.</summary>
    Task<T> UpdateStatusAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>A merge, JSON or strategic-merge patch of the object or its status (<paramref name="subresource"/> "status").</summary>
    Task<T> PatchAsync<T>(string name, string? ns, V1Patch patch, string? subresource = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Server-side apply (<see cref="V1Patch.PatchType.ApplyPatch"/>, sent as JSON). Null fields are omitted, so not applied.</summary>
    Task<T> ApplyAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// <see cref="CreateAsync{T}"/> for a caller that does not use the object the server returns: errors surface the
    /// same way, the response body is not materialised. The default implementation reads it and drops it.
    /// </summary>
    Task CreateWithoutResultAsync<T>(T obj, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        CreateAsync(obj, ct);

    /// <summary><see cref="PatchAsync{T}"/> without materialising the returned object (see <see cref="CreateWithoutResultAsync{T}"/>).</summary>
    Task PatchWithoutResultAsync<T>(string name, string? ns, V1Patch patch, string? subresource = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        PatchAsync<T>(name, ns, patch, subresource, ct);

    /// <summary>
    /// <see cref="ApplyAsync{T}"/> without materialising the returned object: for a reconciler, which reads the result
    /// from its cache when the watch event arrives.
    /// </summary>
    Task ApplyWithoutResultAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : class, IKubernetesObject<V1ObjectMeta> =>
        ApplyAsync(obj, options, ct);

    Task DeleteAsync<T>(string name, string? ns = null, DeleteOptions? options = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// One watch request as a stream of events. Ends when the server closes the stream cleanly; an ERROR event
    /// with code 410 is thrown as <see cref="GoneException"/>.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? ns = null, WatchOptions? options = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
