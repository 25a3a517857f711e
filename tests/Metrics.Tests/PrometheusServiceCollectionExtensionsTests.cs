using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace MlOperator.Metrics.Tests;

public sealed class PrometheusServiceCollectionExtensionsTests
{
    [Fact]
    public void Exporter_ignores_same_named_meters_of_another_containers_factory()
    {
        var name = $"test.{Guid.NewGuid():N}";
        using var first = NewProvider(name);
        using var second = NewProvider(name);
        var exporter = first.GetRequiredService<PrometheusExporter>();
        second.GetRequiredService<PrometheusExporter>();
        using var global = new Meter(name);

        first.GetRequiredService<IMeterFactory>().Create(name).CreateCounter<int>("mine").Add(1);
        second.GetRequiredService<IMeterFactory>().Create(name).CreateCounter<int>("theirs").Add(1);
        global.CreateCounter<int>("shared").Add(1);

        Assert.Equal("# TYPE mine_total counter\nmine_total 1\n# TYPE shared_total counter\nshared_total 1\n", exporter.Collect());
    }

    private static ServiceProvider NewProvider(string meterName)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddPrometheusExporter(meterName);
        return services.BuildServiceProvider();
    }
}
