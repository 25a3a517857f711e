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

    [Theory]
    [MemberData(nameof(Kubectl.Versions), MemberType = typeof(Kubectl))]
    public async Task Typed_create_and_update_subcommands_send_protobuf_the_emulator_decodes(string binary)
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        using var kubectl = new Kubectl(kube.Emulator, binary);
        string[][] commands =
        [
            ["create", "namespace", "team-a"],
            ["create", "configmap", "app-config", "--from-literal=a=1", "--from-literal=b=2", "-n", "team-a"],
            ["create", "secret", "generic", "model-creds", "--from-literal=token=abc", "-n", "team-a"],
            ["create", "quota", "gpu", "--hard=requests.nvidia.com/gpu=4,pods=10", "-n", "team-a"],
            ["create", "serviceaccount", "runner", "-n", "team-a"],
            ["create", "deployment", "web", "--image=nginx:1", "--replicas=2", "--port=80", "-n", "team-a"],
            ["create", "job", "once", "--image=busybox", "-n", "team-a", "--", "echo", "hi"],
            ["create", "cronjob", "nightly", "--image=busybox", "--schedule=*/5 * * * *", "-n", "team-a"],
            ["create", "role", "reader", "--verb=get,list", "--resource=pods", "-n", "team-a"],
            ["create", "rolebinding", "reader", "--role=reader", "--serviceaccount=team-a:runner", "-n", "team-a"],
            ["create", "clusterrole", "pod-reader", "--verb=get", "--resource=pods"],
            ["create", "clusterrolebinding", "pod-reader", "--clusterrole=pod-reader", "--user=alice"],
            ["create", "priorityclass", "high", "--value=1000", "--description=serving"],
            ["create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=1", "-n", "team-a"],
            ["create", "service", "clusterip", "web-svc", "--tcp=80:8080", "-n", "team-a"],
            ["create", "service", "nodeport", "web-np", "--tcp=80:8080", "-n", "team-a"],
            ["run", "box", "--image=busybox", "-n", "team-a", "--", "sleep", "60"],
            ["create", "ingress", "web", "--rule=example.com/*=web-svc:80", "-n", "team-a"],
            ["expose", "deployment", "web", "--port=8080", "--name=web-exposed", "-n", "team-a"],
            ["scale", "deployment", "web", "--replicas=3", "-n", "team-a"],
            ["set", "image", "deployment/web", "nginx=nginx:2", "-n", "team-a"],
            ["rollout", "restart", "deployment/web", "-n", "team-a"],
            ["label", "deployment", "web", "tier=front", "-n", "team-a"],
            ["annotate", "deployment", "web", "note=x", "-n", "team-a"],
            ["autoscale", "deployment", "web", "--min=1", "--max=5", "--cpu-percent=70", "-n", "team-a"],
        ];
        foreach (var command in commands) await kubectl.KubectlOkAsync(command);

        var secret = (await kube.GetAsync("/api/v1/namespaces/team-a/secrets/model-creds")).Body;
        Assert.Equal("YWJj", secret["data"]!["token"]!.ToString());
        Assert.Equal("Opaque", secret["type"]!.ToString());
        Assert.Equal("4", (await kube.GetAsync("/api/v1/namespaces/team-a/resourcequotas/gpu")).Body["spec"]!["hard"]!["requests.nvidia.com/gpu"]!.ToString());
        var web = (await kube.GetAsync("/apis/apps/v1/namespaces/team-a/deployments/web")).Body;
        Assert.Equal(3, (int)web["spec"]!["replicas"]!);
        Assert.Equal("nginx:2", web["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.ToString());
        Assert.Equal(80, (int)web["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!);
        Assert.Equal("front", web["metadata"]!["labels"]!["tier"]!.ToString());
        Assert.Equal(["echo", "hi"], (await kube.GetAsync("/apis/batch/v1/namespaces/team-a/jobs/once")).Body["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.AsArray().Select(c => c!.ToString()));
        Assert.Equal("*/5 * * * *", (await kube.GetAsync("/apis/batch/v1/namespaces/team-a/cronjobs/nightly")).Body["spec"]!["schedule"]!.ToString());
        Assert.Equal(1000, (int)(await kube.GetAsync("/apis/scheduling.k8s.io/v1/priorityclasses/high")).Body["value"]!);
        Assert.Equal(1, (int)(await kube.GetAsync("/apis/policy/v1/namespaces/team-a/poddisruptionbudgets/web")).Body["spec"]!["minAvailable"]!);
        Assert.Equal("runner", (await kube.GetAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/reader")).Body["subjects"]![0]!["name"]!.ToString());
        Assert.Equal("Prefix", (await kube.GetAsync("/apis/networking.k8s.io/v1/namespaces/team-a/ingresses/web")).Body["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["pathType"]!.ToString());
        Assert.Equal(8080, (int)(await kube.GetAsync("/api/v1/namespaces/team-a/services/web-svc")).Body["spec"]!["ports"]![0]!["targetPort"]!);
        Assert.Equal(70, (int)(await kube.GetAsync("/apis/autoscaling/v2/namespaces/team-a/horizontalpodautoscalers/web")).Body["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]!);
        await kube.Emulator.Controllers.SettleAsync();
        var services = await kubectl.KubectlOkAsync("get", "services", "-n", "team-a");
        Assert.Matches(@"(?m)^web-np\s+NodePort\s+10\.96\.\d+\.\d+\s+<none>\s+80:3\d{4}/TCP\s+", services.Stdout);
        var box = await kubectl.KubectlOkAsync("get", "pod", "box", "-n", "team-a");
        Assert.Matches(@"(?m)^box\s+1/1\s+Running\s+0\s+", box.Stdout);
    }

    [Theory]
    [MemberData(nameof(Kubectl.Versions), MemberType = typeof(Kubectl))]
    public async Task Get_prints_kubes_columns_for_built_ins(string binary)
    {
        var time = new ManualTime();
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true, TimeProvider = time });
        using var kubectl = new Kubectl(kube.Emulator, binary);
        await kubectl.KubectlOkAsync("create", "deployment", "web", "--image=nginx:1", "--replicas=2");
        await kubectl.KubectlOkAsync("create", "quota", "q", "--hard=pods=10,limits.cpu=4");
        await kube.Emulator.Controllers.SettleAsync();
        time.Advance(TimeSpan.FromMinutes(5));

        var deployments = await kubectl.KubectlOkAsync("get", "deployments");
        Assert.Matches(@"(?m)^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s*$", deployments.Stdout);
        Assert.Matches(@"(?m)^web\s+2/2\s+2\s+2\s+5m\s*$", deployments.Stdout);
        var replicaSets = await kubectl.KubectlOkAsync("get", "rs", "-o", "wide");
        Assert.Matches(@"(?m)^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\s*$", replicaSets.Stdout);
        Assert.Matches(@"(?m)^web-\w{10}\s+2\s+2\s+2\s+5m\s+nginx\s+nginx:1\s+app=web,pod-template-hash=\w{10}\s*$", replicaSets.Stdout);
        var pods = await kubectl.KubectlOkAsync("get", "pods", "-o", "wide");
        Assert.Matches(@"(?m)^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\s*$", pods.Stdout);
        Assert.Matches(@"(?m)^web-\w{10}-0\s+1/1\s+Running\s+0\s+5m\s+127\.0\.0\.1\s+emulator-node\s+<none>\s+<none>\s*$", pods.Stdout);
        var events = await kubectl.KubectlOkAsync("get", "events");
        Assert.Matches(@"(?m)^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\s*$", events.Stdout);
        Assert.Matches(@"(?m)^5m\s+Normal\s+ScalingReplicaSet\s+deployment/web\s+Scaled up replica set web-\w{10} from 0 to 2\s*$", events.Stdout);
        var quota = await kubectl.KubectlOkAsync("get", "quota");
        Assert.Matches(@"(?m)^NAME\s+AGE\s+REQUEST\s+LIMIT\s*$", quota.Stdout);
        Assert.Matches(@"(?m)^q\s+5m\s+pods: 2/10\s+limits.cpu: 0/4\s*$", quota.Stdout);
        var namespaces = await kubectl.KubectlOkAsync("get", "namespaces");
        Assert.Matches(@"(?m)^default\s+Active\s+", namespaces.Stdout);
    }

    [Theory]
    [MemberData(nameof(Kubectl.Versions), MemberType = typeof(Kubectl))]
    public async Task Rollout_status_follows_a_template_change_to_the_end_and_history_lists_both_revisions(string binary)
    {
        var time = new ManualTime();
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true, TimeProvider = time, PodReadyDelay = TimeSpan.FromSeconds(10) });
        using var kubectl = new Kubectl(kube.Emulator, binary);
        await kubectl.KubectlOkAsync("create", "deployment", "web", "--image=nginx:1", "--replicas=4");
        await kube.Emulator.Controllers.SettleAsync();
        time.Advance(TimeSpan.FromSeconds(11));
        await kube.Emulator.Controllers.SettleAsync();
        await kubectl.KubectlOkAsync("set", "image", "deployment/web", "nginx=nginx:2");
        await kube.Emulator.Controllers.SettleAsync();

        using var process = kubectl.Start("kubectl", ["rollout", "status", "deployment/web"]);
        var output = new List<string>();
        var lines = ReadLinesAsync(process);
        output.Add(await NextLineAsync(lines));
        Assert.StartsWith("Waiting for deployment \"web\" rollout to finish", output[0]);
        // Each step makes the new pods Ready; the controller then surges and scales the old ReplicaSet down.
        for (var step = 0; step < 10 && !process.HasExited; step++)
        {
            time.Advance(TimeSpan.FromSeconds(11));
            await kube.Emulator.Controllers.SettleAsync();
            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(200));
        }
        while (await lines.MoveNextAsync()) output.Add(lines.Current);
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, string.Join("\n", output) + await process.StandardError.ReadToEndAsync());
        Assert.Equal("deployment \"web\" successfully rolled out", output[^1]);

        var history = await kubectl.KubectlOkAsync("rollout", "history", "deployment/web");
        Assert.Matches(@"(?m)^REVISION\s+CHANGE-CAUSE\s*$", history.Stdout);
        Assert.Matches(@"(?m)^1\s+<none>\s*$", history.Stdout);
        Assert.Matches(@"(?m)^2\s+<none>\s*$", history.Stdout);

        // Undo patches the Deployment's revision annotation, which the controller keeps as kube's does.
        await kubectl.KubectlOkAsync("rollout", "undo", "deployment/web", "--to-revision=1");
        for (var step = 0; step < 10; step++) await StepAsync();
        history = await kubectl.KubectlOkAsync("rollout", "history", "deployment/web");
        Assert.DoesNotMatch(@"(?m)^1\s", history.Stdout);
        Assert.Matches(@"(?m)^3\s+<none>\s*$", history.Stdout);
        var web = (await kube.GetAsync(Deployments + "/web")).Body;
        Assert.Equal("3", web["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.ToString());
        Assert.Equal("nginx:1", web["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.ToString());
        Assert.Equal(3, (int)web["metadata"]!["generation"]!);
        Assert.Equal(3, (int)web["status"]!["observedGeneration"]!);
        Assert.Equal(4, (int)web["status"]!["availableReplicas"]!);

        async Task StepAsync()
        {
            time.Advance(TimeSpan.FromSeconds(11));
            await kube.Emulator.Controllers.SettleAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Kubectl.Versions), MemberType = typeof(Kubectl))]
    public async Task Describe_replicaset_shows_a_quota_refusal(string binary)
    {
        await using var kube = await TestKube.StartAsync(new EmulatorOptions { SimulateControllers = true });
        using var kubectl = new Kubectl(kube.Emulator, binary);
        await kubectl.KubectlOkAsync("create", "quota", "gpu", "--hard=requests.nvidia.com/gpu=2");
        var file = kubectl.WriteFile("model.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: model}
            spec:
              replicas: 3
              selector: {matchLabels: {app: model}}
              template:
                metadata: {labels: {app: model}}
                spec:
                  containers:
                  - name: server
                    image: model:1
                    resources: {limits: {nvidia.com/gpu: 1}}
            """);
        await kubectl.KubectlOkAsync("apply", "-f", file);
        await kube.Emulator.Controllers.SettleAsync();

        var describe = await kubectl.KubectlOkAsync("describe", "rs");
        Assert.Matches(@"(?m)^\s+ReplicaFailure\s+True\s+FailedCreate\s*$", describe.Stdout);
        Assert.Matches(@"Warning\s+FailedCreate\s+.*replicaset-controller\s+Error creating: pods ""model-\w{10}-2"" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2", describe.Stdout);
        var deployment = await kubectl.KubectlOkAsync("get", "deployment", "model");
        Assert.Matches(@"(?m)^model\s+2/3\s+2\s+2\s+", deployment.Stdout);
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
