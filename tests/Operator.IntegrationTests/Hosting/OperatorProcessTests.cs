using System.Net;
using System.Text;
using System.Text.Json;
using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.Hosting;

namespace MlOperator.Operator.IntegrationTests.Hosting;

/// <summary>
/// The operator as `make run` starts it — composition root, startup check, controller manager with leader
/// election, /metrics /healthz /readyz — against the API emulator over real HTTP.
/// </summary>
public sealed class OperatorProcessTests
{
    [Fact]
    public async Task The_host_elects_itself_syncs_its_caches_and_reports_both()
    {
        await using var emulator = await KubeEmulator.StartAsync(new EmulatorOptions());
        await InstallCrdsAsync(emulator);
        var kubeconfig = WriteKubeconfig(emulator.KubeconfigYaml());
        var log = new LogCapture();
        using var stop = new CancellationTokenSource();

        var run = OperatorHost.RunAsync(Options(kubeconfig), Program.ConfigureOperator, log, stop.Token);
        var metricsUrl = await WaitForAsync(() => MetricsAddress(log), "the metrics endpoint", run);
        using var http = new HttpClient { BaseAddress = new Uri(metricsUrl) };
        var metrics = await WaitForAsync(async () =>
        {
            var text = await http.GetStringAsync("/metrics");
            return text.Contains("\nleader_election_master_status{name=\"ml-operator-leader\"} 1\n", StringComparison.Ordinal)
                && text.Contains("\ninformer_caches_synced 1\n", StringComparison.Ordinal) ? text : null;
        }, "leader and synced caches on /metrics", run);
        using var readyz = await http.GetAsync("/readyz");
        using var client = emulator.CreateHttpClient();
        var lease = JsonDocument.Parse(await client.GetStringAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases/ml-operator-leader"));
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Contains("kube_client_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("\nprocess_cpu_seconds_total ", metrics, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(lease.RootElement.GetProperty("spec").GetProperty("holderIdentity").GetString()));
        Assert.Contains(log.Lines, line => line.Contains("No reconciler is registered yet", StringComparison.Ordinal));
        Assert.All(log.Lines, line => JsonDocument.Parse(line));
    }

    [Fact]
    public async Task A_rejected_token_is_one_fatal_line_and_exit_code_4()
    {
        await using var emulator = await KubeEmulator.StartAsync(new EmulatorOptions { Token = "right" });
        var kubeconfig = WriteKubeconfig(emulator.KubeconfigYaml().Replace("token: right", "token: wrong", StringComparison.Ordinal));
        var log = new LogCapture();

        var code = await OperatorHost.RunAsync(Options(kubeconfig), Program.ConfigureOperator, log, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.AccessDenied, code);
        var line = JsonDocument.Parse(Assert.Single(log.Lines)).RootElement;
        Assert.Equal("fatal", line.GetProperty("level").GetString());
        Assert.Contains("401 Unauthorized", line.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_without_the_crd_is_told_how_to_install_it()
    {
        await using var emulator = await KubeEmulator.StartAsync(new EmulatorOptions());
        var kubeconfig = WriteKubeconfig(emulator.KubeconfigYaml());
        var log = new LogCapture();

        var code = await OperatorHost.RunAsync(Options(kubeconfig), Program.ConfigureOperator, log, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.ConfigurationError, code);
        Assert.Contains("kubectl apply -f config/crds", JsonDocument.Parse(Assert.Single(log.Lines)).RootElement.GetProperty("msg").GetString(),
            StringComparison.Ordinal);
    }

    private static OperatorOptions Options(string kubeconfig) =>
        new() { KubeconfigPath = kubeconfig, MetricsAddress = new ListenAddress("127.0.0.1", 0) };

    private static string WriteKubeconfig(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mloperator-kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>The shipped CRDs, so a missing or stale config/crds fails here (STYLE: integration tests load them).</summary>
    private static async Task InstallCrdsAsync(KubeEmulator emulator)
    {
        var directory = Path.Combine(RepositoryRoot(), "config", "crds");
        var files = Directory.GetFiles(directory, "*.yaml");
        Assert.NotEmpty(files);
        using var client = emulator.CreateHttpClient();
        foreach (var file in files)
        {
            using var content = new StringContent(await File.ReadAllTextAsync(file), Encoding.UTF8, "application/yaml");
            using var response = await client.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", content);
            Assert.True(response.IsSuccessStatusCode, $"{file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("MlOperator.sln not found above the test output directory");
    }

    private static string? MetricsAddress(LogCapture log) =>
        log.Lines
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("MetricsAddress", out _))
            .Select(line => line.GetProperty("MetricsAddress").GetString())
            .FirstOrDefault();

    private static Task<T> WaitForAsync<T>(Func<T?> probe, string what, Task<int> run) where T : class =>
        WaitForAsync(() => Task.FromResult(probe()), what, run);

    /// <summary>Polls until the probe answers, failing early (with the exit code) if the operator stops.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, Task<int> run) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (run.IsCompleted)
            {
                Assert.Fail($"the operator exited with {await run} while waiting for {what}");
            }

            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"gave up waiting for {what}");
    }
}
