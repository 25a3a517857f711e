using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlOperator.Metrics;
using MlOperator.Operator.Kube;
using Serilog;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// The operator process: a WebApplication whose Kestrel serves only /metrics, /healthz and /readyz on the
/// metrics address, Serilog as the logging provider, and whatever the composition root registers
/// (client, caches, leader election, controllers) as hosted services.
/// </summary>
public static class OperatorHost
{
    /// <summary>The meter every operator layer records on; /metrics exports it.</summary>
    public const string MeterName = "MlOperator.Operator";

    /// <summary>Builds the host without starting it (tests start it on port 0).</summary>
    public static WebApplication Build(OperatorOptions options, Serilog.ILogger logger, Action<IServiceCollection, OperatorOptions> configureOperator)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(OperatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // With --health-address the kubelet's probes get a listener of their own (they never queue behind a scrape).
        builder.WebHost.UseUrls(options.HealthAddress is { } health ? [options.MetricsAddress.ToUrl(), health.ToUrl()] : [options.MetricsAddress.ToUrl()]);
        // Serilog's hosting integration: its logger factory replaces Microsoft's providers and filters, so --log-level
        // (applied by the Serilog pipeline) is the only filter and every line goes through one formatter.
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.Configure<HostOptions>(host =>
        {
            host.ShutdownTimeout = TimeSpan.FromSeconds(20);
            host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddPrometheusMetrics(MeterName);
        configureOperator(builder.Services, options);

        var app = builder.Build();
        ProcessMetrics.Register(app.Services.GetRequiredService<IMeterFactory>().Create(MeterName));
        app.MapPrometheusMetrics();
        app.MapOperatorHealth();
        return app;
    }

    /// <summary>
    /// Runs until SIGTERM/SIGINT or <paramref name="cancellationToken"/>; returns the process exit code. Known
    /// causes (bad kubeconfig, unreachable server, 401/403, metrics port taken) end in one log line, not a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(OperatorOptions options, Action<IServiceCollection, OperatorOptions> configureOperator,
        TextWriter output, CancellationToken cancellationToken)
    {
        var logger = OperatorLogging.Create(options.LogFormat, options.LogLevel, output);
        var log = logger.ForContext("SourceContext", typeof(OperatorHost).FullName);
        WebApplication? app = null;
        try
        {
            app = Build(options, logger, configureOperator);
            foreach (var check in app.Services.GetServices<IStartupCheck>())
            {
                await check.CheckAsync(cancellationToken);
            }

            await app.StartAsync(cancellationToken);
            log.Information("Serving /metrics, /healthz and /readyz on {MetricsAddress}", string.Join(", ", app.Urls));
            await app.WaitForShutdownAsync(cancellationToken);
            return FailedBackgroundService(app) is { } failure ? Report(log, failure, app) : ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
        catch (Exception exception)
        {
            // A BackgroundService that fails during start stops the host, which surfaces as a cancelled start.
            return Report(log, (app is null ? null : FailedBackgroundService(app)) ?? exception, app);
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            (logger as IDisposable)?.Dispose();
        }
    }

    private static int Report(Serilog.ILogger log, Exception exception, WebApplication? app)
    {
        var failure = StartupFailure.From(exception, ServerOf(app));
        if (failure is null)
        {
            log.Fatal(exception, Literal("The operator stopped: " + exception.Message));
            return ExitCodes.Failure;
        }

        log.Fatal(Literal(failure.Message));
        return failure.ExitCode;
    }

    /// <summary>A message as a template with no holes, so the JSON line carries it once (as msg), not again as a property.</summary>
    private static string Literal(string message) => message.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    /// <summary>The generic host stops when a BackgroundService throws but does not rethrow; its task holds the cause.</summary>
    private static Exception? FailedBackgroundService(WebApplication app) =>
        app.Services.GetServices<IHostedService>()
            .OfType<BackgroundService>()
            .Select(service => service.ExecuteTask)
            .FirstOrDefault(task => task is { IsFaulted: true })
            ?.Exception?.InnerException;

    private static string? ServerOf(WebApplication? app) => app?.Services.GetService<KubeConnection>()?.Server.ToString();
}
