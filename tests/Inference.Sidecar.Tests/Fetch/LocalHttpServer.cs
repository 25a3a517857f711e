using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlOperator.Inference.Sidecar.Tests.Fetch;

/// <summary>
/// A real HTTP server on 127.0.0.1 for the fetch tests, with Range support (Kestrel's static bytes result):
/// <c>/files/{name}</c>; <c>/flaky/{name}</c> cuts the first answer off halfway; <c>/private/{name}</c> wants
/// <c>Bearer secret-token</c>; <c>/down</c> is always 503; <c>/{org}/{repo}/resolve/{rev}/{path}</c> is a Hugging Face mirror.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    public const string Token = "secret-token";
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> hits = new();

    private LocalHttpServer(WebApplication app) => this.app = app;

    public Dictionary<string, byte[]> Files { get; } = new();

    public ConcurrentQueue<string?> RangeHeaders { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public int Hits(string path) => hits.GetValueOrDefault(path);

    public static async Task<LocalHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LocalHttpServer(app);
        app.Use(async (context, next) =>
        {
            server.hits.AddOrUpdate(context.Request.Path.Value!, 1, (_, n) => n + 1);
            server.RangeHeaders.Enqueue(context.Request.Headers.Range.Count > 0 ? context.Request.Headers.Range.ToString() : null);
            await next(context);
        });
        app.MapGet("/files/{name}", (string name) => server.Serve(name));
        app.MapGet("/private/{name}", (HttpContext context, string name) =>
            context.Request.Headers.Authorization == $"Bearer {Token}" ? server.Serve(name) : Results.StatusCode(401));
        app.MapGet("/down", () => Results.StatusCode(503));
        app.MapGet("/{org}/{repo}/resolve/{revision}/{**path}", (HttpContext context, string org, string repo, string revision, string path) =>
            context.Request.Headers.Authorization == $"Bearer {Token}" ? server.Serve($"{org}/{repo}@{revision}:{path}") : Results.StatusCode(401));
        app.MapGet("/flaky/{name}", async (HttpContext context, string name) =>
        {
            if (server.Hits(context.Request.Path.Value!) == 1)
            {
                // First answer: the full length announced, half the bytes sent, then the connection dropped.
                var bytes = server.Files[name];
                context.Response.ContentLength = bytes.Length;
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await context.Response.Body.FlushAsync();
                context.Abort();
                return;
            }

            await server.Serve(name).ExecuteAsync(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    private IResult Serve(string name) => Files.TryGetValue(name, out var bytes)
        ? Results.Bytes(bytes, "application/octet-stream", enableRangeProcessing: true)
        : Results.StatusCode(404);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
