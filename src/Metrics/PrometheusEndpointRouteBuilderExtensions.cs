using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace MlOperator.Metrics;

public static class PrometheusEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the container's registry (see <c>AddPrometheusMetrics</c>) with prometheus-net's middleware, always in
    /// the text format 0.0.4: OpenMetrics negotiation is off because it renames counter families and adds
    /// <c># EOF</c>, and dashboards, the rollout analysis and scrapers read the text format today.
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        var registry = endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>();
        return endpoints.MapMetrics(settings =>
        {
            settings.Registry = registry;
            settings.EnableOpenMetrics = false;
        }, path);
    }
}
