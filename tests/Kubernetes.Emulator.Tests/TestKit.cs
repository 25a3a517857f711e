using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MlOperator.Kubernetes.Emulator;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>The one place for test helpers: an emulator plus an HttpClient, watch streams, manifests, kubectl, fake time.</summary>
public sealed class TestKube : IAsyncDisposable
{
    private TestKube(KubeEmulator emulator)
    {
        Emulator = emulator;
        Http = emulator.CreateHttpClient(TimeSpan.FromSeconds(30));
    }

    public KubeEmulator Emulator { get; }

    public HttpClient Http { get; }

    public static async Task<TestKube> StartAsync(EmulatorOptions? options = null) => new(await KubeEmulator.StartAsync(options));

    public async Task<Response> SendAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json", string? accept = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null || rawBody is not null)
        {
            request.Content = new StringContent(rawBody ?? body!.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try { json = text.Length == 0 ? null : JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
        return new Response(response.StatusCode, json as JsonObject ?? new JsonObject(), response.Content.Headers.ContentType?.ToString() ?? "",
            response.Headers.TryGetValues("Warning", out var w) ? [.. w] : [], response.Headers.RetryAfter?.Delta);
    }

    public Task<Response> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, accept: accept);
    public Task<Response> PostAsync(string path, JsonNode body) => SendAsync(HttpMethod.Post, path, body);
    public Task<Response> PutAsync(string path, JsonNode body) => SendAsync(HttpMethod.Put, path, body);
    public Task<Response> DeleteAsync(string path, JsonNode? body = null) => SendAsync(HttpMethod.Delete, path, body);
    public Task<Response> PatchAsync(string path, JsonNode body, string contentType) => SendAsync(HttpMethod.Patch, path, body, contentType);
    public Task<Response> ApplyAsync(string path, JsonNode body, string manager, bool force = false) =>
        SendAsync(HttpMethod.Patch, $"{path}?fieldManager={manager}{(force ? "&force=true" : "")}", body, "application/apply-patch+yaml");

    /// <summary>Creates and asserts 201.</summary>
    public async Task<JsonObject> CreateAsync(string collectionPath, JsonObject body)
    {
        var r = await PostAsync(collectionPath, body);
        Assert.True(r.Code == HttpStatusCode.Created, $"create {collectionPath}: {(int)r.Code} {r.Body.ToJsonString()}");
        return r.Body;
    }

    public async Task<WatchStream> WatchAsync(string pathAndQuery, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new WatchStream(request, response, await response.Content.ReadAsStreamAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    public sealed record Response(HttpStatusCode Code, JsonObject Body, string ContentType, IReadOnlyList<string> Warnings, TimeSpan? RetryAfter)
    {
        public string? Message => Body["message"]?.ToString();
        public string? Reason => Body["reason"]?.ToString();
        public string ResourceVersion => Body["metadata"]?["resourceVersion"]?.ToString() ?? "";
    }
}

/// <summary>Reads a watch response line by line in the background.</summary>
public sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpRequestMessage _request;
    private readonly HttpResponseMessage _response;
    private readonly Channel<JsonObject?> _events = Channel.CreateUnbounded<JsonObject?>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    internal WatchStream(HttpRequestMessage request, HttpResponseMessage response, Stream stream)
    {
        _request = request;
        _response = response;
        _pump = Task.Run(async () =>
        {
            try
            {
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                    if (line.Length > 0) _events.Writer.TryWrite(JsonNode.Parse(line)!.AsObject());
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
            }
            _events.Writer.TryWrite(null);
        });
    }

    public HttpStatusCode Code => _response.StatusCode;

    /// <summary>The next event, or null when the server closed the stream.</summary>
    public async Task<JsonObject?> NextAsync(int timeoutSeconds = 10)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            var e = await _events.Reader.ReadAsync(cts.Token);
            if (e is null) _events.Writer.TryWrite(null);
            return e;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no watch event within " + timeoutSeconds + "s");
        }
    }

    /// <summary>Next non-BOOKMARK event.</summary>
    public async Task<JsonObject?> NextChangeAsync(int timeoutSeconds = 10)
    {
        while (true)
        {
            var e = await NextAsync(timeoutSeconds);
            if (e is null || e["type"]?.ToString() != "BOOKMARK") return e;
        }
    }

    /// <summary>True if nothing arrives within the window (for "no event" assertions after a write whose effects are synchronous).</summary>
    public async Task<bool> QuietAsync(int milliseconds = 300)
    {
        using var cts = new CancellationTokenSource(milliseconds);
        try
        {
            await _events.Reader.WaitToReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        _request.Dispose();
        try { await _pump; } catch (Exception) { }
        _stop.Dispose();
    }
}

/// <summary>Objects the tests create.</summary>
public static class Manifests
{
    public const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    public const string Widgets = "/apis/example.com/v1/namespaces/default/widgets";
    public const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    public static JsonObject Deployment(string name, int? replicas = null, params string[] containers)
    {
        if (containers.Length == 0) containers = ["app=nginx:1"];
        var list = new JsonArray();
        foreach (var c in containers)
        {
            var parts = c.Split('=');
            list.Add(new JsonObject { ["name"] = parts[0], ["image"] = parts[1] });
        }
        var spec = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = list },
            },
        };
        if (replicas is { } r) spec["replicas"] = r;
        return new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
    }

    public static JsonObject ConfigMap(string name, string value = "v") => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = new JsonObject { ["k"] = value },
    };

    /// <summary>widgets.example.com: status + scale subresources, a schema with enum/min/required, printer columns.</summary>
    public static JsonObject WidgetCrd() => JsonNode.Parse("""
    {
      "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "widgets.example.com"},
      "spec": {
        "group": "example.com", "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"], "categories": ["all"]},
        "versions": [{
          "name": "v1", "served": true, "storage": true,
          "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}},
          "additionalPrinterColumns": [
            {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"}
          ],
          "schema": {"openAPIV3Schema": {
            "type": "object",
            "properties": {
              "spec": {"type": "object", "required": ["color"], "properties": {
                "color": {"type": "string", "enum": ["red", "blue"]},
                "replicas": {"type": "integer", "minimum": 0, "default": 1},
                "size": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}}
              }},
              "status": {"type": "object", "properties": {"replicas": {"type": "integer"}, "phase": {"type": "string"}}}
            }
          }}
        }]
      }
    }
    """)!.AsObject();

    public static JsonObject Widget(string name, string color = "red", int? replicas = null)
    {
        var spec = new JsonObject { ["color"] = color };
        if (replicas is { } r) spec["replicas"] = r;
        return new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
    }

    public static async Task InstallWidgetsAsync(TestKube kube) => await kube.CreateAsync(Crds, WidgetCrd());
}

/// <summary>Runs the real kubectl/helm against an emulator with a fresh KUBECACHEDIR and kubeconfig.</summary>
public sealed class Kubectl : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emu-kubectl-").FullName;
    private readonly string? _kubectl;

    /// <param name="kubectl">A kubectl binary other than the pinned one (see <see cref="Versions"/>).</param>
    public Kubectl(KubeEmulator emulator, string? kubectl = null)
    {
        _kubectl = kubectl;
        Kubeconfig = Path.Combine(_dir, "kubeconfig");
        emulator.WriteKubeconfig(Kubeconfig);
    }

    /// <summary>
    /// The kubectl binaries to test with: the pinned one from .tools (v1.33), the machine's `kubectl` on PATH when there
    /// is one, and a v1.32 next to it when the machine keeps versioned binaries (Google Cloud SDK's kubectl.1.32).
    /// </summary>
    public static TheoryData<string> Versions()
    {
        var data = new TheoryData<string> { Binary("kubectl") };
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            data.Add(onPath);
            var real = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
            var v132 = Path.Combine(Path.GetDirectoryName(real)!, "kubectl.1.32");
            if (File.Exists(v132)) data.Add(v132);
        }
        return data;
    }

    public string Kubeconfig { get; }

    public string Dir => _dir;

    public static string Binary(string name)
    {
        var env = Environment.GetEnvironmentVariable(name == "kubectl" ? "MLOP_KUBECTL" : "MLOP_HELM");
        var path = !string.IsNullOrEmpty(env) ? env : Path.Combine(RepoRoot(), ".tools", "bin", name);
        if (!File.Exists(path)) Assert.Fail($"{name} not found at {path}: run `make deps` (or set {(name == "kubectl" ? "MLOP_KUBECTL" : "MLOP_HELM")})");
        return path;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlOperator.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public Process Start(string tool, IEnumerable<string> args, bool redirectInput = false)
    {
        var psi = new ProcessStartInfo(tool == "kubectl" && _kubectl is not null ? _kubectl : Binary(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["KUBECONFIG"] = Kubeconfig;
        psi.Environment["KUBECACHEDIR"] = Path.Combine(_dir, "cache");
        psi.Environment["HOME"] = _dir;
        psi.Environment["HELM_CACHE_HOME"] = Path.Combine(_dir, "helm-cache");
        psi.Environment["HELM_CONFIG_HOME"] = Path.Combine(_dir, "helm-config");
        psi.Environment["HELM_DATA_HOME"] = Path.Combine(_dir, "helm-data");
        return Process.Start(psi)!;
    }

    public async Task<Result> RunAsync(string tool, string[] args, string? stdin = null, int timeoutSeconds = 60)
    {
        using var p = Start(tool, args, stdin is not null);
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} {string.Join(' ', args)} did not finish in {timeoutSeconds}s");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    public Task<Result> KubectlAsync(params string[] args) => RunAsync("kubectl", args);

    public async Task<Result> KubectlOkAsync(params string[] args)
    {
        var r = await RunAsync("kubectl", args);
        Assert.True(r.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed ({r.ExitCode}): {r.Stdout}\n{r.Stderr}");
        return r;
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);
}

/// <summary>A TimeProvider that only moves when a test advances it.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public ManualTime() : this(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += by;
            due = _timers.Where(t => t.Due <= _now).ToList();
        }
        foreach (var t in due) t.Fire(_now);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTime owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        public DateTimeOffset Due { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                _period = period;
                Due = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : owner._now + dueTime;
                if (!owner._timers.Contains(this)) owner._timers.Add(this);
            }
            return true;
        }

        public void Fire(DateTimeOffset now)
        {
            lock (owner._gate)
            {
                if (Due > now) return;
                Due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? DateTimeOffset.MaxValue : now + _period;
            }
            callback(state);
        }

        public void Dispose()
        {
            lock (owner._gate) owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
