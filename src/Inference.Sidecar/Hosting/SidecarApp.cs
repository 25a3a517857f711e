using MlOperator.Inference.Sidecar.Endpoints;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Metrics;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Metrics;
using Serilog;

namespace MlOperator.Inference.Sidecar.Hosting;

/// <summary>Service registration and routes, shared by Program and the tests' WebApplicationFactory.</summary>
public static class SidecarApp
{
    public static void ConfigureServices(WebApplicationBuilder builder)
    {
        // The host's own logger, not the static Log.Logger: two hosts in one process (tests) must not share or close it.
        builder.Services.AddSerilog((services, configuration) => SidecarLogging.Configure(configuration, services), preserveStaticLogger: true);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            var port = context.Configuration[SidecarOptions.PortKey] is { } text && int.TryParse(text, out var p) ? p : 8080;
            if (SidecarOptions.ListenAddress(context.Configuration) is { } host)
            {
                kestrel.Listen(host, port);
            }
            else
            {
                kestrel.ListenAnyIP(port);
            }
        });

        var services = builder.Services;
        services.AddSingleton(provider => SidecarOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SidecarMetrics>();
        services.AddSingleton<ModelHost>();
        services.AddSingleton<AdmissionControl>();
        services.AddSingleton(provider => FaultSettings.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<InjectedFaults>();
        services.AddSingleton<InferHandler>();
        services.AddSingleton<InferFastPath>();
        services.AddHostedService<ModelLoader>();
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService<GracefulShutdown>();
        services.AddOptions<HostOptions>().Configure<SidecarOptions>((host, options) => host.ShutdownTimeout = options.ShutdownDelay + SidecarOptions.InFlightGrace);
        services.AddPrometheusMetrics(SidecarMetrics.MeterName);
    }

    public static void Map(WebApplication app)
    {
        if (app.Services.GetRequiredService<SidecarOptions>().AccessLog)
        {
            // First, so the line carries the status code and time that the client saw.
            app.UseSerilogRequestLogging(o => o.Logger = app.Services.GetRequiredService<Serilog.ILogger>());
        }

        app.Use(app.Services.GetRequiredService<ShutdownDrain>().Wrap);
        // Infer requests for the served model skip routing and the status-code pages; see InferFastPath.
        app.Use(app.Services.GetRequiredService<InferFastPath>().Wrap);
        app.UseStatusCodePages(async context =>
        {
            // Framework-made errors (405, a 400 from a bad request line) get the same JSON body as ours.
            var response = context.HttpContext.Response;
            var allow = response.Headers.Allow; // routing's 405 names the methods the path takes; keep it through the rewrite
            var request = context.HttpContext.Request;
            var message = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"no route for {request.Method} {request.Path}",
                StatusCodes.Status405MethodNotAllowed => $"method {request.Method} is not allowed on {request.Path} (allowed: {allow})",
                _ => $"{response.StatusCode} for {request.Method} {request.Path}",
            };
            await InferResponseWriter.WriteErrorAsync(response, response.StatusCode, allow, message, context.HttpContext.RequestAborted);
        });
        // Explicit, so routing runs after the fast path (WebApplication would otherwise put it first in the pipeline).
        app.UseRouting();
        app.MapPrometheusMetrics("/metrics");
        app.Services.GetRequiredService<SidecarMetrics>(); // instruments exist before the first scrape
        V2Endpoints.Map(app);
    }
}
