using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace MlOperator.Metrics;

public static class PrometheusServiceCollectionExtensions
{
    /// <summary>
    /// Registers this container's own prometheus-net <see cref="CollectorRegistry"/> (no default collectors: the
    /// process_* series come from <see cref="ProcessMetrics"/> under the names users know) and a
    /// <see cref="PrometheusMeterBridge"/> publishing into it the meters with the given names that are either static
    /// (no scope) or created by this container's <see cref="IMeterFactory"/> — not another host's in the same process.
    /// The bridge starts with the host (not at the first scrape), so early measurements are counted.
    /// </summary>
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, params string[] meterNames)
    {
        var names = new HashSet<string>(meterNames, StringComparer.Ordinal);
        services.TryAddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.AddSingleton(provider =>
        {
            var factory = provider.GetService<IMeterFactory>();
            return new PrometheusMeterBridge(provider.GetRequiredService<CollectorRegistry>(),
                meter => names.Contains(meter.Name) && (meter.Scope is null || ReferenceEquals(meter.Scope, factory)));
        });
        services.AddHostedService<PrometheusMeterBridgeActivator>();
        return services;
    }
}
