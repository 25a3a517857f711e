using System.CommandLine;
using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator;
using Xunit.Abstractions;
using MlOperator.Operator.Hosting;
using MlOperator.Operator.IntegrationTests.Fixtures;
using MlOperator.Operator.IntegrationTests.Hosting;

namespace MlOperator.Operator.IntegrationTests.Chart;

/// <summary>
/// The chart as a platform team uses it, with the real helm: install, then the operator started exactly as the
/// rendered Deployment starts it (its args, its ServiceAccount's token, so the rendered RBAC is all it may use)
/// reconciles a sample; upgrade; uninstall leaves nothing of the release behind but the CRD. Runs against
/// E2E_KUBECONFIG when set, else against its own emulator over https with a token (kubectl and helm send bearer
/// tokens over https only) and without the CRD, so helm installs it from the chart's crds/.
/// </summary>
public sealed class ChartInstallTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Crd = "modeldeployments.serving.mloperator.io";
    private readonly string _dir = Directory.CreateTempSubdirectory("mlop-chart-").FullName;
    private KubeEmulator? _emulator;
    private string _kubeconfig = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(TestCluster.E2EVariable) is { Length: > 0 } e2e)
        {
            _kubeconfig = e2e;
            output.WriteLine($"chart test runs against the cluster in {TestCluster.E2EVariable}={e2e}");
            return;
        }

        // K3s (when the shared fixture uses it) is not reachable from here: this test starts its own https emulator.
        output.WriteLine($"{TestCluster.E2EVariable} is not set: the chart test runs against its own https+token API emulator");
        _emulator = await KubeEmulator.StartAsync(new EmulatorOptions { SimulateControllers = true, Tls = true, Token = "chart-test-admin" });
        _kubeconfig = Path.Combine(_dir, "kubeconfig");
        _emulator.WriteKubeconfig(_kubeconfig);
    }

    public async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Installs_an_operator_whose_rendered_rbac_is_enough_to_reconcile_then_upgrades_and_uninstalls_without_orphans()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (releaseNs, otherNs, modelsNs, release) = ($"chart-{suffix}", $"other-{suffix}", $"models-{suffix}", $"mlop-{suffix}");
        var kubeconfig = _kubeconfig;
        using var kubectl = new KubectlRunner(kubeconfig);
        await kubectl.RunOkAsync("create", "namespace", releaseNs);
        await kubectl.RunOkAsync("create", "namespace", modelsNs);
        await kubectl.RunOkAsync("create", "namespace", otherNs);

        await HelmRunner.RunOkAsync(kubeconfig, "install", release, HelmRunner.Chart, "--namespace", releaseNs, "--set", $"watchNamespaces={{{otherNs},{modelsNs}}}");
        var deployment = RenderedManifests.Parse(await HelmRunner.RunOkAsync(kubeconfig, "get", "manifest", release, "--namespace", releaseNs)).Single("Deployment");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var token = (await kubectl.RunOkAsync("create", "token", (string)pod["serviceAccountName"]!, "--namespace", releaseNs)).Trim();
        var operatorKubeconfig = await WriteKubeconfigAsync(kubectl, token, _dir);
        var options = await ParseAsync(pod["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!)
            .Where(a => !a.StartsWith("--metrics-address=", StringComparison.Ordinal) && !a.StartsWith("--health-address=", StringComparison.Ordinal))
            .Concat(["--metrics-address=127.0.0.1:0", $"--kubeconfig={operatorKubeconfig}"]));

        var log = new LogCapture();
        using var stop = new CancellationTokenSource();
        var run = OperatorHost.RunAsync(options, Program.ConfigureOperator, log, stop.Token);
        await kubectl.RunOkAsync("apply", "-f", Path.Combine(RepoPaths.Root, "config", "samples", "cpu-model.yaml"), "--namespace", modelsNs);
        await TestCluster.EventuallyAsync(
            async () => run.IsCompleted ? "exited" : (await kubectl.RunOkAsync("get", "deployments,services", "--namespace", modelsNs, "-o", "name")).Trim(),
            seen => seen == "exited" || (seen.Contains("deployment.apps/iris-classifier-", StringComparison.Ordinal) && seen.Contains("service/iris-classifier", StringComparison.Ordinal)),
            "the chart-installed operator to create the sample's Deployment and Service");
        Assert.False(run.IsCompleted, "the operator exited: " + string.Join('\n', log.Lines));
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain(log.Lines, line => line.Contains("forbidden", StringComparison.OrdinalIgnoreCase));

        await HelmRunner.RunOkAsync(kubeconfig, "upgrade", release, HelmRunner.Chart, "--namespace", releaseNs, "--reuse-values", "--set", "operator.workers=4");
        Assert.Contains("--workers=4", await HelmRunner.RunOkAsync(kubeconfig, "get", "manifest", release, "--namespace", releaseNs));

        await HelmRunner.RunOkAsync(kubeconfig, "uninstall", release, "--namespace", releaseNs);
        var left = await kubectl.RunOkAsync("get",
            "deployments,services,serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings,poddisruptionbudgets,networkpolicies",
            "--all-namespaces", "-l", $"app.kubernetes.io/instance={release}", "-o", "name");
        Assert.Equal("", left.Trim());
        Assert.Equal("", (await kubectl.RunOkAsync("get", "secrets", "--namespace", releaseNs, "-l", $"owner=helm,name={release}", "-o", "name")).Trim());
        Assert.Contains(Crd, await kubectl.RunOkAsync("get", "crd", Crd, "-o", "name")); // CRDs outlive the release, as documented
    }

    /// <summary>A kubeconfig for the same server and CA as the test cluster's, authenticated only by the token.</summary>
    private static async Task<string> WriteKubeconfigAsync(KubectlRunner kubectl, string token, string dir)
    {
        var current = JsonNode.Parse(await kubectl.RunOkAsync("config", "view", "--minify", "--raw", "-o", "json"))!;
        var server = current["clusters"]![0]!["cluster"]!;
        var cluster = new JsonObject { ["server"] = (string)server["server"]! };
        foreach (var key in new[] { "certificate-authority-data", "insecure-skip-tls-verify", "tls-server-name" })
        {
            if (server[key] is { } value)
            {
                cluster[key] = value.DeepClone();
            }
        }

        var config = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Config",
            ["clusters"] = new JsonArray(new JsonObject { ["name"] = "c", ["cluster"] = cluster }),
            ["users"] = new JsonArray(new JsonObject { ["name"] = "operator", ["user"] = new JsonObject { ["token"] = token } }),
            ["contexts"] = new JsonArray(new JsonObject { ["name"] = "operator", ["context"] = new JsonObject { ["cluster"] = "c", ["user"] = "operator" } }),
            ["current-context"] = "operator",
        };
        var path = Path.Combine(dir, "operator.kubeconfig");
        await File.WriteAllTextAsync(path, config.ToJsonString()); // JSON is YAML
        return path;
    }

    /// <summary>The operator's own command line, as the container would run it.</summary>
    private static async Task<OperatorOptions> ParseAsync(IEnumerable<string> args)
    {
        OperatorOptions? options = null;
        var command = OperatorCli.Create((o, _) => { options = o; return Task.FromResult(0); }, (_, _) => Task.FromResult(0), _ => null);
        using var errors = new StringWriter();
        var code = await OperatorCli.InvokeAsync(command, [.. args], new InvocationConfiguration { Output = TextWriter.Null, Error = errors });
        Assert.True(code == 0 && options is not null, $"the rendered args do not parse: {errors}");
        return options;
    }
}
