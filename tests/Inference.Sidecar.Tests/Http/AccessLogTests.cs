using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MlOperator.Inference.Sidecar.Hosting;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Inference;
using Serilog.Core;
using Serilog.Events;

namespace MlOperator.Inference.Sidecar.Tests.Http;

public sealed class AccessLogTests
{
    private const int Requests = 5;

    private const string Good = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}";

    [Fact]
    public async Task By_default_requests_write_no_log_lines()
    {
        var lines = await LinesDuringRequestsAsync(new Dictionary<string, string>());

        Assert.Empty(lines);
    }

    [Fact]
    public async Task With_the_access_log_each_request_writes_exactly_one_line()
    {
        var lines = await LinesDuringRequestsAsync(new Dictionary<string, string> { [SidecarOptions.AccessLogKey] = "true" });

        Assert.Equal(Requests, lines.Count);
        Assert.All(lines, line =>
        {
            Assert.Equal("Serilog.AspNetCore.RequestLoggingMiddleware", ((ScalarValue)line.Properties["SourceContext"]).Value);
            Assert.Equal("/v2/models/mlp/infer", ((ScalarValue)line.Properties["RequestPath"]).Value);
            Assert.Equal(200, ((ScalarValue)line.Properties["StatusCode"]).Value);
        });
    }

    [Theory]
    [InlineData(new[] { "--access-log" }, "true")]
    [InlineData(new[] { "--access-log=false" }, "false")]
    [InlineData(new[] { "--access-log", "--port", "9000" }, "true")]
    public void Access_log_flag_is_a_switch(string[] args, string expected) =>
        Assert.Equal(expected, SidecarCommandLine.Parse(args)![SidecarOptions.AccessLogKey]);

    /// <summary>
    /// Log events written while <see cref="Requests"/> inference requests ran, the host then stopped so that nothing
    /// is still in flight; lifetime lines (the shutdown notice) are not about requests.
    /// </summary>
    private static async Task<List<LogEvent>> LinesDuringRequestsAsync(Dictionary<string, string> settings)
    {
        var sink = new CollectingSink();
        int before;
        await using (var sidecar = new SidecarFactory("mlp", settings))
        await using (var logged = sidecar.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILogEventSink>(sink))))
        {
            var client = logged.CreateClient();
            await logged.Services.GetRequiredService<ModelHost>().Loaded.WaitAsync(TimeSpan.FromSeconds(60));
            before = sink.Events.Count;
            for (var i = 0; i < Requests; i++)
            {
                using var response = await client.PostAsync("/v2/models/mlp/infer", SidecarFactory.Json(Good));
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsStringAsync();
            }
        }

        return sink.Events.Skip(before)
            .Where(e => e.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string name }
                ? name != "Microsoft.Hosting.Lifetime"
                : true)
            .ToList();
    }
}
