using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MlOperator.Operator.Hosting;

/// <summary>/healthz (liveness) and /readyz (readiness), answered in kube-apiserver's style.</summary>
public static class OperatorHealthEndpoints
{
    public static IEndpointRouteBuilder MapOperatorHealth(this IEndpointRouteBuilder endpoints)
    {
        // Liveness only says the process serves requests: restarting a pod that waits for its caches or the
        // lease would not help it.
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", (HttpContext context) =>
        {
            var lifetime = context.RequestServices.GetRequiredService<IHostApplicationLifetime>();
            var results = context.RequestServices.GetServices<ReadinessCheck>()
                .Select(check => (check.Name, Ok: Evaluate(check)))
                .Prepend((Name: "shutdown", Ok: !lifetime.ApplicationStopping.IsCancellationRequested))
                .ToList();
            var ready = results.All(r => r.Ok);
            if (ready && !context.Request.Query.ContainsKey("verbose"))
            {
                return Results.Text("ok");
            }

            var body = new StringBuilder();
            foreach (var (name, ok) in results)
            {
                body.Append(ok ? "[+]" : "[-]").Append(name).Append(ok ? " ok\n" : " failed\n");
            }

            body.Append(ready ? "readyz check passed\n" : "readyz check failed\n");
            return Results.Text(body.ToString(), statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return endpoints;
    }

    private static bool Evaluate(ReadinessCheck check)
    {
        try
        {
            return check.IsReady();
        }
        catch (Exception)
        {
            // A broken check reports not-ready; it must not turn the probe into a 500.
            return false;
        }
    }
}
