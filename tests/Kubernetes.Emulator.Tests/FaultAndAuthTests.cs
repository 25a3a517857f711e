using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>Fault injection, request counting, bearer-token auth, TLS and the CLI.</summary>
public sealed class FaultAndAuthTests
{
    [Fact]
    public async Task Injected_failures_hit_only_matching_requests_with_Status_and_Retry_After()
    {
        await using var kube = await TestKube.StartAsync();
        kube.Emulator.Faults.FailNext(2, 429, verb: "create", resource: "configmaps", retryAfter: TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.Created, (await kube.PostAsync(Deployments, Deployment("web"))).Code);
        var first = await kube.PostAsync("/api/v1/namespaces/default/configmaps", ConfigMap("c"));
        Assert.Equal(HttpStatusCode.TooManyRequests, first.Code);
        Assert.Equal("TooManyRequests", first.Reason);
        Assert.Equal(TimeSpan.FromSeconds(3), first.RetryAfter);
        Assert.Equal(3, (int)first.Body["details"]!["retryAfterSeconds"]!);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await kube.PostAsync("/api/v1/namespaces/default/configmaps", ConfigMap("c"))).Code);
        Assert.Equal(HttpStatusCode.Created, (await kube.PostAsync("/api/v1/namespaces/default/configmaps", ConfigMap("c"))).Code);

        Assert.Equal(3, kube.Emulator.Faults.Count("create", "configmaps"));
        Assert.Equal(4, kube.Emulator.Faults.Writes());
        kube.Emulator.Faults.ResetCounts();
        Assert.Equal(0, kube.Emulator.Faults.Writes());

        using var http = kube.Emulator.CreateHttpClient();
        var posted = await http.PostAsync("/emulator/faults", new StringContent("""{"count":1,"code":503,"verb":"get"}"""));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await kube.GetAsync(Deployments + "/web")).Code);
        var counts = JsonNode.Parse(await http.GetStringAsync("/emulator/counts"))!;
        Assert.Equal(1, (int)counts["get deployments"]!);
    }

    [Fact]
    public async Task Delays_hold_responses_on_the_emulator_clock()
    {
        var time = new ManualTime();
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { TimeProvider = time });
        kube.Emulator.Faults.Delay(TimeSpan.FromSeconds(5), verb: "list");
        var pending = kube.GetAsync("/api/v1/namespaces/default/configmaps");
        for (var i = 0; i < 600 && kube.Emulator.Faults.Count("list") == 0; i++) await Task.Delay(50);
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);
        // Step the clock until the held response is released (the delay's timer starts just after the request is counted).
        for (var i = 0; i < 100 && !pending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(pending, Task.Delay(50));
        }
        Assert.Equal(HttpStatusCode.OK, (await pending).Code);
        Assert.True(time.GetUtcNow() >= new DateTimeOffset(2025, 1, 1, 0, 0, 5, TimeSpan.Zero));
        kube.Emulator.Faults.ClearDelays();
    }

    [Fact]
    public async Task A_token_is_required_when_configured_and_tls_serves_https()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { Token = "t0k", Tls = true });
        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync("/api/v1/namespaces")).Code);
        using var anonymous = kube.Emulator.CreateHttpClient();
        anonymous.DefaultRequestHeaders.Authorization = null;
        var denied = await anonymous.GetAsync("/api/v1/namespaces");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        var status = JsonNode.Parse(await denied.Content.ReadAsStringAsync())!;
        Assert.Equal("Unauthorized", status["reason"]!.ToString());
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/version")).StatusCode);
        var kubeconfig = kube.Emulator.KubeconfigYaml();
        Assert.Contains("certificate-authority-data:", kubeconfig);
        Assert.Contains("token: t0k", kubeconfig);
        Assert.Contains("-----BEGIN CERTIFICATE-----", kube.Emulator.CertificateAuthorityPem);
    }

    [Fact]
    public async Task Cli_prints_one_ready_line_and_writes_a_kubeconfig()
    {
        var dir = Directory.CreateTempSubdirectory("emu-cli-").FullName;
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        var dll = Path.Combine(AppContext.BaseDirectory, "MlOperator.Kubernetes.Emulator.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--port", "0", "--kubeconfig", kubeconfig, "--simulate-controllers", "--token", "abc" }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        try
        {
            var line = process.StandardOutput.ReadLineAsync();
            Assert.True(await Task.WhenAny(line, Task.Delay(TimeSpan.FromSeconds(60))) == line, "no ready line within 60s");
            var ready = await line;
            Assert.Matches($"^ready http://127\\.0\\.0\\.1:\\d+ kubeconfig={System.Text.RegularExpressions.Regex.Escape(kubeconfig)}$", ready);
            Assert.Contains("token: abc", await File.ReadAllTextAsync(kubeconfig));
            using var http = new HttpClient { BaseAddress = new Uri(ready!.Split(' ')[1]) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/version")).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
