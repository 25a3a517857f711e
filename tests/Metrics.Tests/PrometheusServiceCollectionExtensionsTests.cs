using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace MlOperator.Metrics.Tests;

public sealed class PrometheusServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Bridge_ignores_same_named_meters_of_another_containers_factory()
    {
        var name = $"test.{Guid.NewGuid():N}";
        using var first = NewProvider(name);
        using var second = NewProvider(name);
        var registry = first.GetRequiredService<CollectorRegistry>();
        first.GetRequiredService<PrometheusMeterBridge>();
        second.GetRequiredService<PrometheusMeterBridge>();
        using var global = new Meter(name);

        first.GetRequiredService<IMeterFactory>().Create(name).CreateCounter<int>("mine").Add(1);
        second.GetRequiredService<IMeterFactory>().Create(name).CreateCounter<int>("theirs").Add(1);
        global.CreateCounter<int>("shared").Add(1);

        Assert.Equal("# HELP mine_total \n# TYPE mine_total counter\nmine_total 1\n# HELP shared_total \n# TYPE shared_total counter\nshared_total 1\n", await Scrape(registry));
    }

    private static async Task<string> Scrape(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static ServiceProvider NewProvider(string meterName)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddPrometheusMetrics(meterName);
        return services.BuildServiceProvider();
    }
}
