using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MlOperator.Metrics;

public static class PrometheusServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="PrometheusExporter"/> listening to the given meters. It is created when the host
    /// starts (not at the first scrape), so measurements made before the first scrape are counted.
    /// </summary>
    public static IServiceCollection AddPrometheusExporter(this IServiceCollection services, params string[] meterNames)
    {
        services.AddSingleton(_ => new PrometheusExporter(meterNames));
        services.AddHostedService<PrometheusExporterActivator>();
        return services;
    }
}
