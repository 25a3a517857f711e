using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MlOperator.Metrics;

public static class PrometheusEndpointRouteBuilderExtensions
{
    /// <summary>Serves the <see cref="PrometheusExporter"/> registered in DI (see <c>AddPrometheusExporter</c>).</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics") =>
        endpoints.MapGet(path, (HttpContext context) =>
            WriteAsync(context, context.RequestServices.GetRequiredService<PrometheusExporter>()));

    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, PrometheusExporter exporter, string path = "/metrics") =>
        endpoints.MapGet(path, (HttpContext context) => WriteAsync(context, exporter));

    private static Task WriteAsync(HttpContext context, PrometheusExporter exporter)
    {
        context.Response.ContentType = PrometheusExporter.ContentType;
        context.Response.Headers.CacheControl = "no-store";
        return exporter.WriteAsync(context.Response.Body, context.RequestAborted);
    }
}
