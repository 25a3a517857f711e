using System.Net;
using System.Text.Json;
using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.Hosting;
using MlOperator.Operator.IntegrationTests.Fixtures;

namespace MlOperator.Operator.IntegrationTests.Hosting;

/// <summary>
/// The operator as `make run` starts it — composition root, startup check, controller manager with leader
/// election and the ModelDeployment controller, /metrics /healthz /readyz — over real HTTP.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OperatorProcessTests(TestCluster cluster)
{
    [Fact]
    public async Task The_host_elects_itself_syncs_its_caches_and_reports_both()
    {
        var ns = await cluster.CreateNamespaceAsync("host");
        var lease = $"leader-{ns}";
        var log = new LogCapture();
        using var stop = new CancellationTokenSource();

        var run = OperatorHost.RunAsync(
            Options(cluster.KubeconfigPath) with { WatchNamespaces = [ns], LeaseNamespace = ns, LeaseName = lease },
            Program.ConfigureOperator, log, stop.Token);
        var metricsUrl = await UntilAsync(() => Task.FromResult(MetricsAddress(log)), run, "the metrics endpoint");
        using var http = new HttpClient { BaseAddress = new Uri(metricsUrl) };
        var metrics = await UntilAsync(async () =>
        {
            var text = await http.GetStringAsync("/metrics");
            return text.Contains($"\nleader_election_master_status{{name=\"{lease}\"}} 1\n", StringComparison.Ordinal)
                && text.Contains("\ninformer_caches_synced 1\n", StringComparison.Ordinal) ? text : null;
        }, run, "leader and synced caches on /metrics");
        using var readyz = await http.GetAsync("/readyz");
        var holder = await cluster.Client.GetAsync<k8s.Models.V1Lease>(lease, ns);
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Contains("kube_client_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("\nprocess_cpu_seconds_total ", metrics, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(holder.Spec?.HolderIdentity));
        Assert.Contains(log.Lines, line => line.Contains("Registered controllers modeldeployment", StringComparison.Ordinal));
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

        File.Delete(kubeconfig);
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

        File.Delete(kubeconfig);
        Assert.Equal(ExitCodes.ConfigurationError, code);
        Assert.Contains("helm install ml-operator charts/ml-operator", JsonDocument.Parse(Assert.Single(log.Lines)).RootElement.GetProperty("msg").GetString(),
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

    private static string? MetricsAddress(LogCapture log) =>
        log.Lines
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("MetricsAddress", out _))
            .Select(line => line.GetProperty("MetricsAddress").GetString())
            .FirstOrDefault();

    /// <summary>Waits for the probe to answer, or fails at once (with the exit code) if the operator stops meanwhile.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, Task<int> run, string what) where T : class
    {
        var (value, _) = await TestCluster.EventuallyAsync(
            async () => (Value: await probe(), Exited: run.IsCompleted), seen => seen.Value is not null || seen.Exited, what);
        Assert.False(run.IsCompleted, $"the operator exited while waiting for {what}");
        return value!;
    }
}
