using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlOperator.Operator.UnitTests.Fakes;

/// <summary>
/// A tiny Kestrel https endpoint on 127.0.0.1 that answers any GET with a ConfigMap and remembers the client
/// certificate and Authorization header it saw: proof of what the client really put on the wire.
/// </summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsTestServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public string? ClientCertificateSubject { get; private set; }

    public string? Authorization { get; private set; }

    public static async Task<TlsTestServer> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        })));
        var app = builder.Build();
        TlsTestServer? server = null;
        app.Run(context =>
        {
            server!.ClientCertificateSubject = context.Connection.ClientCertificate?.Subject;
            server.Authorization = context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}""");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new TlsTestServer(app, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
