using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>
/// Pods' sidecars for scraping tests: one in-process Kestrel listening on several ephemeral ports of 127.0.0.1, one
/// port per fake pod, each answering with the handler set for it. Counts requests per port and requests in flight
/// (the most at once too), so tests can check a concurrency bound by counting, not timing.
/// </summary>
public sealed class FakePodServers : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, Func<HttpContext, Task>> _handlers = new();
    private readonly ConcurrentDictionary<int, int> _requests = new();
    private readonly Lock _gate = new();
    private int _inFlight;
    private int _maxInFlight;

    private FakePodServers(WebApplication app, IReadOnlyList<int> ports)
    {
        _app = app;
        Ports = ports;
    }

    public IReadOnlyList<int> Ports { get; }

    public int MaxInFlight
    {
        get
        {
            lock (_gate)
            {
                return _maxInFlight;
            }
        }
    }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public static async Task<FakePodServers> StartAsync(int pods)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            for (var i = 0; i < pods; i++)
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });
        var app = builder.Build();
        FakePodServers? servers = null;
        app.Run(context => servers!.HandleAsync(context));
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(address => new Uri(address).Port)
            .Order()
            .ToList();
        servers = new FakePodServers(app, ports);
        return servers;
    }

    /// <summary>What the pod on <paramref name="port"/> answers; unset ports answer 404.</summary>
    public void Serve(int port, Func<HttpContext, Task> handler) => _handlers[port] = handler;

    public void ServeText(int port, string text, int status = 200) => Serve(port, async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    });

    public int RequestsTo(int port) => _requests.GetValueOrDefault(port);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var port = context.Connection.LocalPort;
        _requests.AddOrUpdate(port, 1, (_, n) => n + 1);
        lock (_gate)
        {
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
        }

        try
        {
            if (context.Request.Path != "/metrics" || !_handlers.TryGetValue(port, out var handler))
            {
                context.Response.StatusCode = 404;
                return;
            }

            await handler(context);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }
}
