using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MlOperator.Metrics;

public static class PrometheusServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="PrometheusExporter"/> listening to the meters with the given names that are either
    /// static (no scope) or created by this container's <see cref="IMeterFactory"/> — not another host's in the same
    /// process. It is created when the host starts (not at the first scrape), so early measurements are counted.
    /// </summary>
    public static IServiceCollection AddPrometheusExporter(this IServiceCollection services, params string[] meterNames)
    {
        var names = new HashSet<string>(meterNames, StringComparer.Ordinal);
        services.AddSingleton(provider =>
        {
            var factory = provider.GetService<IMeterFactory>();
            return new PrometheusExporter(meter => names.Contains(meter.Name) && (meter.Scope is null || ReferenceEquals(meter.Scope, factory)));
        });
        services.AddHostedService<PrometheusExporterActivator>();
        return services;
    }
}
