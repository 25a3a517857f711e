using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Runtime.Cache;

namespace MlOperator.Operator.Runtime.Controller;

/// <summary>
/// controller-runtime's builder: <c>For&lt;TPrimary&gt;()</c> enqueues the primary's own key,
/// <c>Owns&lt;TChild&gt;()</c> enqueues a child's controlling owner of the primary kind, <c>Watches&lt;T&gt;(map)</c>
/// enqueues whatever the map returns. Informers come from the shared factory (scoped to <c>ns</c>, null = all).
/// </summary>
public sealed class ControllerBuilder(
    string name,
    SharedInformerFactory informers,
    TimeProvider time,
    ILoggerFactory? loggerFactory = null,
    string? ns = null,
    Action<ResourceController>? onBuilt = null)
{
    private readonly List<Func<IReadOnlyList<EventFilter>, IWatchSource>> _sources = [];
    private readonly List<EventFilter> _globalFilters = [];
    private KubeResource? _primary;
    private ControllerOptions _options = new();

    public ControllerBuilder For<TPrimary>(params EventFilter[] filters) where TPrimary : class, IKubernetesObject<V1ObjectMeta>
    {
        if (_primary is not null)
        {
            throw new InvalidOperationException($"controller {name} already has a primary kind ({_primary.Kind})");
        }

        _primary = KubeResource.For<TPrimary>();
        _sources.Add(global => new InformerWatchSource<TPrimary>(
            informers.GetInformer<TPrimary>(ns), obj => [ReconcileRequest.For(obj)], [.. global, .. filters]));
        return this;
    }

    /// <summary>Children whose controller ownerReference points at the primary kind wake that owner.</summary>
    public ControllerBuilder Owns<TChild>(string? labelSelector = null, params EventFilter[] filters) where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        _sources.Add(global =>
        {
            var primary = _primary ?? throw new InvalidOperationException($"controller {name}: call For<T>() before Owns<T>()");
            return new InformerWatchSource<TChild>(
                informers.GetInformer<TChild>(ns, labelSelector),
                child => OwnerMapping.ControllerOwner(child, primary.Kind, primary.Group, primary.Namespaced),
                [.. global, .. filters]);
        });
        return this;
    }

    /// <summary>Objects of <typeparamref name="T"/> (those matching <paramref name="labelSelector"/>, server-side) wake what
    /// <paramref name="map"/> returns. Another selector gets an informer of its own.</summary>
    public ControllerBuilder Watches<T>(Func<T, IEnumerable<ReconcileRequest>> map, string? labelSelector = null, params EventFilter[] filters)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        _sources.Add(global => new InformerWatchSource<T>(informers.GetInformer<T>(ns, labelSelector), map, [.. global, .. filters]));
        return this;
    }

    /// <summary>A filter applied to every source.</summary>
    public ControllerBuilder WithEventFilter(EventFilter filter)
    {
        _globalFilters.Add(filter);
        return this;
    }

    public ControllerBuilder WithOptions(ControllerOptions options)
    {
        _options = options;
        return this;
    }

    public ControllerBuilder WithWorkers(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _options = _options with { Workers = workers };
        return this;
    }

    public ResourceController Complete(IReconciler reconciler)
    {
        if (_primary is null)
        {
            throw new InvalidOperationException($"controller {name} needs For<T>()");
        }

        var controller = new ResourceController(
            name,
            reconciler,
            [.. _sources.Select(s => s(_globalFilters))],
            _options,
            time,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger($"MlOperator.Operator.Controllers.{name}"));
        onBuilt?.Invoke(controller);
        return controller;
    }
}
