using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using static MlOperator.Kubernetes.Emulator.Tests.Manifests;

namespace MlOperator.Kubernetes.Emulator.Tests;

/// <summary>The real kubectl (and helm) against the emulator: each test gets a fresh emulator, kubeconfig and KUBECACHEDIR.</summary>
public sealed class KubectlTests
{
    private const string DeploymentYaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: app
                image: nginx:1
                resources:
                  requests: {cpu: "0.5", memory: 1024Mi}
              - name: sidecar
                image: busybox:1
        """;

    private const string WidgetYaml = """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w1
        spec:
          color: blue
          replicas: 3
        """;

    [Fact]
    public async Task Api_resources_lists_built_ins_and_a_freshly_created_CRD()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        var before = await kubectl.KubectlOkAsync("api-resources");
        Assert.Contains("deployments", before.Stdout);
        Assert.Contains("customresourcedefinitions", before.Stdout);
        await InstallWidgetsAsync(kube);
        var after = await kubectl.KubectlOkAsync("api-resources", "--api-group=example.com");
        Assert.Contains("widgets", after.Stdout);
        Assert.Contains("wd", after.Stdout);
    }

    [Fact]
    public async Task Apply_creates_with_strict_validation_and_reapply_merges_containers_by_name()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        var file = kubectl.WriteFile("deploy.yaml", DeploymentYaml);
        var created = await kubectl.KubectlOkAsync("apply", "-f", file);
        Assert.Contains("deployment.apps/web created", created.Stdout);
        Assert.Contains(kube.Emulator.Faults.RequestLog, l => l.StartsWith("POST /apis/apps/v1/namespaces/default/deployments", StringComparison.Ordinal) && l.Contains("fieldValidation=Strict"));

        var changed = DeploymentYaml.Replace("nginx:1", "nginx:2");
        changed = changed[..changed.IndexOf("      - name: sidecar", StringComparison.Ordinal)];
        kubectl.WriteFile("deploy.yaml", changed);
        var configured = await kubectl.KubectlOkAsync("apply", "-f", file);
        Assert.Contains("deployment.apps/web configured", configured.Stdout);
        Assert.Contains(kube.Emulator.Faults.RequestLog, l => l.StartsWith("PATCH /apis/apps/v1/namespaces/default/deployments/web", StringComparison.Ordinal));

        var live = await kube.GetAsync(Deployments + "/web");
        var containers = live.Body["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        var only = Assert.Single(containers);
        Assert.Equal("nginx:2", only!["image"]!.ToString());
        Assert.Equal("500m", only["resources"]!["requests"]!["cpu"]!.ToString());
        Assert.Equal(2, (int)live.Body["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task Server_side_apply_conflicts_for_a_second_manager_unless_forced()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        var file = kubectl.WriteFile("deploy.yaml", DeploymentYaml.Replace("spec:\n  selector", "spec:\n  replicas: 2\n  selector"));
        var first = await kubectl.KubectlOkAsync("apply", "--server-side", "-f", file);
        Assert.Contains("serverside-applied", first.Stdout);
        var again = await kubectl.KubectlOkAsync("apply", "--server-side", "-f", file);
        Assert.Contains("serverside-applied", again.Stdout);

        var other = kubectl.WriteFile("other.yaml", DeploymentYaml.Replace("spec:\n  selector", "spec:\n  replicas: 5\n  selector"));
        var conflict = await kubectl.KubectlAsync("apply", "--server-side", "--field-manager=other", "-f", other);
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("conflict", conflict.Stderr);
        Assert.Contains(".spec.replicas", conflict.Stderr);

        await kubectl.KubectlOkAsync("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", other);
        var live = await kube.GetAsync(Deployments + "/web");
        Assert.Equal(5, (int)live.Body["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Get_yaml_prints_the_stored_object()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        await kube.CreateAsync(Deployments, Deployment("web", 2));
        var yaml = await kubectl.KubectlOkAsync("get", "deployment", "web", "-o", "yaml");
        Assert.Contains("name: web", yaml.Stdout);
        Assert.Contains("replicas: 2", yaml.Stdout);
        Assert.Contains("maxSurge: 25%", yaml.Stdout);
        Assert.Contains("uid:", yaml.Stdout);
        var table = await kubectl.KubectlOkAsync("get", "deployments");
        Assert.Matches(@"(?m)^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s*$", table.Stdout);
        Assert.Matches(@"(?m)^web\s+0/2\s+0\s+0\s+", table.Stdout);
    }

    [Fact]
    public async Task Get_watch_prints_the_next_change()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        await kube.CreateAsync("/api/v1/namespaces/default/configmaps", ConfigMap("c1"));
        using var process = kubectl.Start("kubectl", ["get", "configmap", "c1", "-w", "-o", "jsonpath={.data.k}{\"\\n\"}"]);
        try
        {
            var lines = ReadLinesAsync(process);
            Assert.Equal("v", await NextLineAsync(lines));
            // kubectl prints the GET result before it opens the watch; a change made earlier would be folded into the synthetic ADDED it discards.
            await WaitUntilAsync(() => Task.FromResult(kube.Emulator.Faults.OpenWatches > 0));
            await kube.PatchAsync("/api/v1/namespaces/default/configmaps/c1", new JsonObject { ["data"] = new JsonObject { ["k"] = "changed" } }, "application/merge-patch+json");
            Assert.Equal("changed", await NextLineAsync(lines));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Get_watch_of_a_deployment_prints_the_next_change()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        await kube.CreateAsync(Deployments, Deployment("web", 1));
        using var process = kubectl.Start("kubectl", ["get", "deploy", "web", "-w"]);
        try
        {
            var lines = ReadLinesAsync(process);
            Assert.StartsWith("NAME", await NextLineAsync(lines));
            Assert.StartsWith("web", await NextLineAsync(lines));
            await WaitUntilAsync(() => Task.FromResult(kube.Emulator.Faults.OpenWatches > 0));
            await kube.PatchAsync(Deployments + "/web", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["x"] = "y" } } }, "application/merge-patch+json");
            Assert.StartsWith("web", await NextLineAsync(lines));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Delete_returns_at_once_without_finalizers_and_waits_for_a_finalizer_the_test_removes()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        await kube.CreateAsync("/api/v1/namespaces/default/configmaps", ConfigMap("plain"));
        var plain = await kubectl.KubectlOkAsync("delete", "configmap", "plain");
        Assert.Contains("configmap \"plain\" deleted", plain.Stdout);

        var held = ConfigMap("held");
        held["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        await kube.CreateAsync("/api/v1/namespaces/default/configmaps", held);
        var delete = kubectl.RunAsync("kubectl", ["delete", "configmap", "held", "--timeout=60s"]);
        await WaitUntilAsync(async () => (await kube.GetAsync("/api/v1/namespaces/default/configmaps/held")).Body["metadata"]?["deletionTimestamp"] is not null);
        Assert.False(delete.IsCompleted);
        await kube.PatchAsync("/api/v1/namespaces/default/configmaps/held", new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } }, "application/merge-patch+json");
        var result = await delete;
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("configmap \"held\" deleted", result.Stdout);
    }

    [Fact]
    public async Task Apply_of_a_CRD_then_its_resource_and_get_shows_printer_columns_and_delete_completes()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        var crd = kubectl.WriteFile("crd.json", WidgetCrd().ToJsonString());
        await kubectl.KubectlOkAsync("apply", "-f", crd);
        var cr = kubectl.WriteFile("widget.yaml", WidgetYaml);
        var created = await kubectl.KubectlOkAsync("apply", "-f", cr);
        Assert.Contains("widget.example.com/w1 created", created.Stdout);

        var table = await kubectl.KubectlOkAsync("get", "widgets");
        // A CRD with its own columns gets no Age column (kube defaults Age only when it declares none).
        Assert.Matches(@"(?m)^NAME\s+COLOR\s+REPLICAS\s*$", table.Stdout);
        Assert.Matches(@"(?m)^w1\s+blue\s+3\s+", table.Stdout);

        var invalid = kubectl.WriteFile("bad.yaml", WidgetYaml.Replace("blue", "green"));
        var rejected = await kubectl.KubectlAsync("apply", "-f", invalid);
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("Unsupported value", rejected.Stderr);

        var deleted = await kubectl.KubectlOkAsync("delete", "widget", "w1");
        Assert.Contains("widget.example.com \"w1\" deleted", deleted.Stdout);
        Assert.Equal(HttpStatusCode.NotFound, (await kube.GetAsync(Widgets + "/w1")).Code);
    }

    [Fact]
    public async Task Helm_template_piped_into_server_side_apply_creates_every_object()
    {
        await using var kube = await TestKube.StartAsync();
        using var kubectl = new Kubectl(kube.Emulator);
        var chart = Path.Combine(Kubectl.RepoRoot(), "tests", "Kubernetes.Emulator.Tests", "charts", "tiny");
        var rendered = await kubectl.RunAsync("helm", ["template", "demo", chart]);
        Assert.True(rendered.ExitCode == 0, rendered.Stderr);
        var applied = await kubectl.RunAsync("kubectl", ["apply", "--server-side", "-f", "-"], stdin: rendered.Stdout);
        Assert.True(applied.ExitCode == 0, applied.Stderr);
        Assert.Contains("deployment.apps/demo-web serverside-applied", applied.Stdout);
        var svc = await kube.GetAsync("/api/v1/namespaces/default/services/demo-web");
        Assert.StartsWith("10.9", svc.Body["spec"]!["clusterIP"]!.ToString());
        Assert.Equal(80, (int)svc.Body["spec"]!["ports"]![0]!["targetPort"]!);
        Assert.Equal(HttpStatusCode.OK, (await kube.GetAsync("/api/v1/namespaces/default/configmaps/demo-config")).Code);
        var again = await kubectl.RunAsync("kubectl", ["apply", "--server-side", "-f", "-"], stdin: rendered.Stdout);
        Assert.True(again.ExitCode == 0, again.Stderr);
    }

    [Fact]
    public async Task Https_with_a_token_works_and_a_wrong_token_is_refused_with_401()
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { Tls = true, Token = "s3cret" });
        using var kubectl = new Kubectl(kube.Emulator);
        Assert.StartsWith("https://", kube.Emulator.BaseAddress.ToString());
        var ok = await kubectl.KubectlOkAsync("get", "namespaces");
        Assert.Contains("kube-system", ok.Stdout);
        var wrong = await kubectl.KubectlAsync("get", "namespaces", "--token=wrong");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("Unauthorized", wrong.Stderr);
    }

    private static async IAsyncEnumerator<string> ReadLinesAsyncCore(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line) yield return line;
    }

    private static IAsyncEnumerator<string> ReadLinesAsync(Process process) => ReadLinesAsyncCore(process);

    private static async Task<string> NextLineAsync(IAsyncEnumerator<string> lines)
    {
        var next = lines.MoveNextAsync().AsTask();
        var done = await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(done == next, "kubectl printed nothing within 30s");
        Assert.True(await next, "kubectl exited");
        return lines.Current;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30s");
            await Task.Delay(50);
        }
    }
}
