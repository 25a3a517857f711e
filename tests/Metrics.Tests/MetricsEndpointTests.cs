using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlOperator.Metrics.Tests;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_endpoint_answers_with_the_exposition_content_type()
    {
        using var meter = TestMeters.Create();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddPrometheusMetrics(meter.Name);
        await using var app = builder.Build();
        app.MapPrometheusMetrics();
        await app.StartAsync(timeout.Token);
        meter.CreateCounter<int>("served").Add(1);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var response = await client.GetAsync("/metrics", timeout.Token);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("# HELP served_total \n# TYPE served_total counter\nserved_total 1\n", await response.Content.ReadAsStringAsync(timeout.Token));
        await app.StopAsync(timeout.Token);
    }
}
