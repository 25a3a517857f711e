using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Tests;

/// <summary>
/// The real sidecar (Program, DI, routes, ONNX Runtime) on an in-memory server, serving one test model. No shutdown
/// delay unless a test sets one, so disposing a factory does not wait; <paramref name="time"/> replaces the clock.
/// </summary>
public sealed class SidecarFactory(string model, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? time = null) : WebApplicationFactory<Program>
{
    public string ModelName => model;

    /// <summary>The built host, for tests that stop it themselves.</summary>
    public IHost Host { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(SidecarOptions.ModelPathKey, TestAssets.Model(model));
        builder.UseSetting(SidecarOptions.IntraOpThreadsKey, "1");
        builder.UseSetting(SidecarOptions.ShutdownDelayKey, "0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (time is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(time));
        }
    }

    protected override IHost CreateHost(IHostBuilder builder) => Host = base.CreateHost(builder);

    /// <summary>A client for a sidecar whose model has loaded and warmed up.</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        await Services.GetRequiredService<ModelHost>().Loaded.WaitAsync(TimeSpan.FromSeconds(60));
        return client;
    }

    /// <summary>A V2 request body from the generator's reference inputs.</summary>
    public static JsonObject ReferenceRequest(string model)
    {
        var inputs = new JsonArray();
        foreach (var property in TestAssets.ReferenceJson(model, "inputs").EnumerateObject())
        {
            var input = JsonNode.Parse(property.Value.GetRawText())!.AsObject();
            input["name"] = property.Name;
            inputs.Add(input);
        }

        return new JsonObject { ["inputs"] = inputs };
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static async Task<(int Status, JsonElement Body)> PostAsync(HttpClient client, string path, HttpContent content)
    {
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(new MediaTypeHeaderValue("application/json").MediaType, response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>
    /// /metrics once every request so far is in it. A request's metrics are recorded after its response is written,
    /// so a scrape right after the last response can miss it: scrape until <c>inference_requests_total</c> of the model
    /// sums to <paramref name="requests"/> (bounded; the caller's assertions then say what is wrong).
    /// </summary>
    public static async Task<string> MetricsAfterAsync(HttpClient client, string model, int requests)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var text = await client.GetStringAsync("/metrics");
            var counted = text.Split('\n')
                .Where(l => l.StartsWith("inference_requests_total{", StringComparison.Ordinal) && l.Contains($"model=\"{model}\"", StringComparison.Ordinal))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            if (counted >= requests || DateTime.UtcNow > deadline)
            {
                return text;
            }

            await Task.Delay(10);
        }
    }
}
