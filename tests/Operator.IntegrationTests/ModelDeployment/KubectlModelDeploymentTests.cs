using MlOperator.Operator.IntegrationTests.Fixtures;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Resources;
using Md = MlOperator.Operator.Api.V1Alpha1.ModelDeployment;

namespace MlOperator.Operator.IntegrationTests.ModelDeployment;

/// <summary>What a user does with kubectl: apply the shipped samples, then read them back with `kubectl get md`.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KubectlModelDeploymentTests(TestCluster cluster) : IAsyncLifetime
{
    private readonly KubectlRunner _kubectl = new(cluster);
    private string _ns = "";
    private OperatorRunner _operator = null!;

    public async Task InitializeAsync()
    {
        _ns = await cluster.CreateNamespaceAsync("kubectl");
        _operator = await OperatorRunner.StartAsync(cluster, _ns);
    }

    public async Task DisposeAsync()
    {
        await _operator.DisposeAsync();
        _kubectl.Dispose();
    }

    [Fact]
    public async Task Every_sample_applies_cleanly_and_get_md_shows_the_printer_columns()
    {
        var output = await _kubectl.RunOkAsync("apply", "-n", _ns, "-f", Path.Combine(RepoPaths.Root, "config", "samples"));

        foreach (var sample in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", "samples"), "*.yaml"))
        {
            var name = KubeYaml.Deserialize<Md>(File.ReadAllText(sample)).Metadata.Name!;
            Assert.Contains(name, output);
        }

        await TestCluster.EventuallyAsync(() => cluster.Client.GetAsync<Md>("iris-classifier", _ns),
            md => md.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "iris-classifier Ready");
        var table = await _kubectl.RunOkAsync("get", "md", "-n", _ns);

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "MODEL", "STABLE", "CANARY", "WEIGHT", "PHASE", "READY", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var header = lines[0];
        var iris = lines.Single(l => l.StartsWith("iris-classifier ", StringComparison.Ordinal));
        Assert.Equal("iris", Column(header, iris, "MODEL"));
        Assert.Equal("3", Column(header, iris, "STABLE"));
        Assert.Equal("Ready", Column(header, iris, "PHASE"));
        Assert.Equal("True", Column(header, iris, "READY"));
    }

    [EmulatorFact]
    public async Task Get_md_shows_the_new_version_as_canary_while_it_comes_up_and_as_stable_once_it_is_ready()
    {
        var emulator = cluster.Emulator!; // drives pod readiness through the emulator's simulated kubelet

        var sample = Path.Combine(RepoPaths.Root, "config", "samples", "cpu-model.yaml");
        await _kubectl.RunOkAsync("apply", "-n", _ns, "-f", sample);
        await TestCluster.EventuallyAsync(() => cluster.Client.GetAsync<Md>("iris-classifier", _ns),
            md => md.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "iris-classifier Ready");
        var v4 = KubeYaml.Deserialize<Md>(File.ReadAllText(sample));
        v4.Spec.Model.Version = "4";
        v4.Spec.Model.Uri = "pvc://model-store/iris/4/model.onnx";
        var v4Deployment = ModelDeploymentNames.Deployment(v4, RevisionTemplate.From(v4.Spec).Hash());
        emulator.Controllers.SetPodStates(_ns, v4Deployment, ready: 0, unready: 2);

        // One weighted step held for a second, judged by time alone (no analysis: no traffic in this test).
        await _kubectl.RunOkAsync("patch", "md", "iris-classifier", "-n", _ns, "--type=merge",
            "-p", """{"spec":{"model":{"version":"4","uri":"pvc://model-store/iris/4/model.onnx"},"rollout":{"steps":[{"weight":50,"pause":"1s"}],"analysis":null}}}""");
        await TestCluster.EventuallyAsync(() => cluster.Client.GetAsync<Md>("iris-classifier", _ns), md => md.Status?.Canary?.Version == "4", "canary 4");

        var (header, row) = await IrisRowAsync();
        Assert.Equal("3", Column(header, row, "STABLE"));
        Assert.Equal("4", Column(header, row, "CANARY"));
        Assert.Equal("0", Column(header, row, "WEIGHT")); // its pods are not ready: no traffic counted yet
        Assert.Equal("Progressing", Column(header, row, "PHASE"));

        emulator.Controllers.SetPodStates(_ns, v4Deployment, ready: 2);
        await TestCluster.EventuallyAsync(() => cluster.Client.GetAsync<Md>("iris-classifier", _ns),
            md => md.Status?.StableVersion == "4" && md.Status.Canary is null && md.Status.Phase == "Ready", "version 4 stable and Ready");

        (header, row) = await IrisRowAsync();
        Assert.Equal("4", Column(header, row, "STABLE"));
        Assert.Equal("", Column(header, row, "CANARY"));
        Assert.Equal("Ready", Column(header, row, "PHASE"));
    }

    private async Task<(string Header, string Row)> IrisRowAsync()
    {
        var lines = (await _kubectl.RunOkAsync("get", "md", "iris-classifier", "-n", _ns)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (lines[0], lines.Single(l => l.StartsWith("iris-classifier ", StringComparison.Ordinal)));
    }

    /// <summary>kubectl aligns columns under their headers; a cell is the text from its header's offset to the next one's.</summary>
    private static string Column(string header, string row, string name)
    {
        var start = header.IndexOf(name, StringComparison.Ordinal);
        var next = header.IndexOf(' ', start);
        while (next >= 0 && next < header.Length && header[next] == ' ')
        {
            next++;
        }

        var end = next < 0 || next >= header.Length ? row.Length : Math.Min(next, row.Length);
        return row[start..end].Trim();
    }
}
