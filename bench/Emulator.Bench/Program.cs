using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using MlOperator.Kubernetes.Emulator;

// Throughput of the in-process emulator over HTTP (numbers only, no pass/fail).
const int Concurrency = 16;
await using var emulator = await KubeEmulator.StartAsync(new EmulatorOptions { WatchHistorySize = 20_000 });
using var http = emulator.CreateHttpClient();
const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

static StringContent Body(string json, string type = "application/json")
{
    var c = new StringContent(json, Encoding.UTF8);
    c.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
    return c;
}

async Task<double> RateAsync(string name, int count, Func<int, Task> op)
{
    var next = -1;
    var sw = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count) await op(i);
    }));
    var rate = count / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"{name,-28} {count,7} requests  {rate,10:F0} req/s");
    return rate;
}

async Task Ensure(HttpResponseMessage r)
{
    if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
    r.Dispose();
}

// Warm up JIT and connections.
for (var i = 0; i < 200; i++) await Ensure(await http.PostAsync(ConfigMaps, Body($$$"""{"metadata":{"name":"warm-{{{i}}}"},"data":{"k":"v"}}""")));

await RateAsync("create configmap", 5_000, async i =>
    await Ensure(await http.PostAsync(ConfigMaps, Body($$$"""{"metadata":{"name":"cm-{{{i}}}","labels":{"n":"{{{i % 10}}}"}},"data":{"k":"v{{{i}}}"}}"""))));
await RateAsync("get configmap", 20_000, async i => await Ensure(await http.GetAsync($"{ConfigMaps}/cm-{i % 5_000}")));
await RateAsync("list 5,200 configmaps", 50, async _ => await Ensure(await http.GetAsync(ConfigMaps)));
await RateAsync("server-side apply deployment", 3_000, async i =>
{
    var name = $"d-{i % 300}";
    var json = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"replicas\":" + (i % 5 + 1) + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:" + (i % 7) + "\",\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"128Mi\"}}}]}}}}";
    using var request = new HttpRequestMessage(HttpMethod.Patch, $"{Deployments}/{name}?fieldManager=bench&force=true") { Content = Body(json, "application/apply-patch+yaml") };
    await Ensure(await http.SendAsync(request));
});

// Watch fan-out: 100 watchers each receive 10,000 events.
const int Watchers = 100, Events = 10_000;
await Ensure(await http.PostAsync(ConfigMaps, Body("""{"metadata":{"name":"hot"},"data":{"n":"0"}}""")));
var from = emulator.ResourceVersion;
var ready = new CountdownEvent(Watchers);
var received = new long[Watchers];
var watchTasks = Enumerable.Range(0, Watchers).Select(w => Task.Run(async () =>
{
    using var client = emulator.CreateHttpClient(Timeout.InfiniteTimeSpan);
    using var response = await client.GetAsync($"{ConfigMaps}?watch=true&fieldSelector=metadata.name%3Dhot&resourceVersion={from}", HttpCompletionOption.ResponseHeadersRead);
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
    ready.Signal();
    while (received[w] < Events && await reader.ReadLineAsync() is { } line)
        if (line.Length > 0) received[w]++;
})).ToArray();
ready.Wait();
var watchClock = Stopwatch.StartNew();
await RateAsync("patch (watched by 100)", Events, async i =>
    await Ensure(await http.PatchAsync($"{ConfigMaps}/hot", Body($$$"""{"data":{"n":"{{{i + 1}}}"}}""", "application/merge-patch+json"))));
await Task.WhenAll(watchTasks);
var total = received.Sum();
Console.WriteLine($"{"watch fan-out delivered",-28} {total,7} events    {total / watchClock.Elapsed.TotalSeconds,10:F0} events/s ({Watchers} watchers x {Events} events in {watchClock.Elapsed.TotalSeconds:F1} s)");
