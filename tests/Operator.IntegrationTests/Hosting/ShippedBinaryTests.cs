using System.Diagnostics;
using System.Text.Json;
using k8s.Models;
using MlOperator.Kubernetes.Emulator;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Hosting;
using MlOperator.Operator.IntegrationTests.Fixtures;
using MlOperator.Operator.Kube.Models;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.IntegrationTests.Hosting;

/// <summary>
/// The operator as a process of its own doing its whole job: the JIT build in a plain test run, and the native AOT
/// binary the image ships when `make test` runs this class again with MLOP_OPERATOR_BINARY (what trimming or AOT
/// could break: JSON of every kind, the validator's reflection over the API types, the text log format, /metrics).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ShippedBinaryTests(TestCluster cluster)
{
    [Fact]
    public async Task The_binary_converges_a_model_reports_an_invalid_one_and_serves_metrics_with_text_logs()
    {
        var ns = await cluster.CreateNamespaceAsync("binary");
        await using var op = await OperatorProcess.StartAsync(cluster.KubeconfigPath, ns, logFormat: "text");
        await op.LeadingAsync();
        var good = Sample("good", ns);
        var bad = Sample("bad", ns);
        bad.Spec.Autoscaling = new AutoscalingSpec { MinReplicas = 5, MaxReplicas = 2 };

        await cluster.Client.CreateAsync(good);
        await cluster.Client.CreateAsync(bad);
        var deployments = await TestCluster.EventuallyAsync(() => cluster.Client.ListAsync<V1Deployment>(ns),
            l => l.Items.Count == 1, $"the good model's Deployment ({op.Describe()})");
        var service = await TestCluster.EventuallyAsync(() => cluster.Client.TryGetAsync<V1Service>("good", ns), s => s is not null, "its Service");
        var failed = await TestCluster.EventuallyAsync(() => cluster.Client.GetAsync<Md>("bad", ns),
            m => m.Status?.Conditions?.Any(c => c.Reason == ModelDeploymentConditions.ReasonInvalidSpec) == true, $"InvalidSpec on the bad model ({op.Describe()})");
        var metrics = await op.MetricsAsync();

        Assert.Equal("good", Assert.Single(deployments.Items).Metadata.OwnerReferences!.Single().Name);
        Assert.Equal("good", service!.Metadata.OwnerReferences!.Single().Name);
        Assert.Contains(failed.Status!.Conditions!, c => c.Reason == ModelDeploymentConditions.ReasonInvalidSpec && c.Message.Contains("maxReplicas", StringComparison.Ordinal));
        Assert.Contains("kube_client_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("controller_reconcile_total{", metrics, StringComparison.Ordinal);
        Assert.Contains(op.Lines, line => line.Contains("Registered controllers modeldeployment", StringComparison.Ordinal));
        Assert.DoesNotContain(op.Lines, line => line.StartsWith('{'));
        Assert.DoesNotContain(op.Lines, line => line.Contains("NotSupportedException", StringComparison.Ordinal)
            || line.Contains("missing native code or metadata", StringComparison.Ordinal));
    }

    /// <summary>
    /// How EKS, GKE and AKS kubeconfigs authenticate (aws eks get-token, gke-gcloud-auth-plugin, kubelogin): the JIT
    /// build runs the plugin; the native binary (the image, which runs in-cluster with its service account and carries
    /// no plugin) refuses at start with one line naming the field and the way out, exit 2.
    /// </summary>
    [EmulatorFact]
    public async Task An_exec_credential_plugin_authenticates_the_jit_build_and_the_native_binary_says_it_cannot()
    {
        var ns = await cluster.CreateNamespaceAsync("exec");
        var dir = Directory.CreateTempSubdirectory("mlop-exec-").FullName;
        var plugin = Path.Combine(dir, "plugin.sh");
        var info = Path.Combine(dir, "exec-info.json");
        await File.WriteAllTextAsync(plugin, $$$"""
            printf '%s' "$KUBERNETES_EXEC_INFO" > {{{info}}}
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{KubeEmulator.AnyToken}}}"}}'
            """);
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        var yaml = cluster.Emulator!.KubeconfigYaml(ns);
        var tokenLine = $"    token: {KubeEmulator.AnyToken}";
        Assert.Contains(tokenLine, yaml, StringComparison.Ordinal);
        await File.WriteAllTextAsync(kubeconfig, yaml.Replace(tokenLine, $"""
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: /bin/sh
                  args: [{plugin}]
                  interactiveMode: Never
            """, StringComparison.Ordinal));

        if (OperatorProcess.NativeBinary is { } native)
        {
            var (exit, output) = await RunToExitAsync(native, "run", "--kubeconfig", kubeconfig, "--metrics-address", "127.0.0.1:0");

            Assert.Equal(ExitCodes.ConfigurationError, exit);
            Assert.Contains($"{kubeconfig}: users[].user.exec: exec credential plugins run only in the JIT build", output, StringComparison.Ordinal);
            Assert.False(File.Exists(info));
            Directory.Delete(dir, recursive: true);
            return;
        }

        // Returns once /readyz answers 200: every informer listed and watched with the plugin's credential.
        await using var op = await OperatorProcess.StartAsync(kubeconfig, ns);

        using var execInfo = JsonDocument.Parse(await File.ReadAllTextAsync(info));
        Assert.Equal("client.authentication.k8s.io/v1", execInfo.RootElement.GetProperty("apiVersion").GetString());
        Directory.Delete(dir, recursive: true);
    }

    private static async Task<(int Exit, string Output)> RunToExitAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static Md Sample(string name, string ns)
    {
        var md = KubeYaml.Deserialize<Md>(File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "samples", "cpu-model.yaml")));
        md.Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns };
        md.Spec.Rollout = null;
        return md;
    }
}
