using System.Text.Json.Nodes;
using MlOperator.Operator.IntegrationTests.Fixtures;

namespace MlOperator.Operator.IntegrationTests.Chart;

/// <summary>The Helm chart with the real helm v4: lint, renders against goldens, values validation, pod security.</summary>
public class HelmChartTests
{
    private static readonly string Here = Path.Combine(RepoPaths.Root, "tests", "Operator.IntegrationTests", "Chart");

    [Fact]
    public async Task Lints_clean_in_strict_mode()
    {
        var output = await HelmRunner.RunOkAsync(null, "lint", "--strict", HelmRunner.Chart);

        Assert.Contains("0 chart(s) failed", output);
    }

    [Theory]
    [InlineData("default", null)]
    [InlineData("multitenant", "values-multitenant.yaml")]
    public async Task Renders_what_the_golden_file_holds(string golden, string? valuesFile)
    {
        var rendered = await HelmRunner.TemplateAsync(valuesFile is null ? [] : ["--values", Path.Combine(Here, valuesFile)]);
        var path = Path.Combine(Here, "golden", golden + ".yaml");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDENS") == "1")
        {
            await File.WriteAllTextAsync(path, rendered);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the test with UPDATE_GOLDENS=1 and review the file");
        Assert.Equal(await File.ReadAllTextAsync(path), rendered);
    }

    [Theory]
    [InlineData("operator.logLevel=loud", "/operator/logLevel")]
    [InlineData("operator.workers=0", "/operator/workers")]
    [InlineData("operator.wrokers=3", "'wrokers' not allowed")]
    [InlineData("leaderElection.leaseDuration=15", "/leaderElection/leaseDuration")]
    [InlineData("leaderElection.retryPeriod=soon", "/leaderElection/retryPeriod")]
    [InlineData("watchNamespaces={Team_A}", "/watchNamespaces/0")]
    [InlineData("replicaCount=0", "/replicaCount")]
    [InlineData("modelDefaults.resources.requests.cpu=lots", "/modelDefaults/resources/requests/cpu")]
    [InlineData("image.pullPolicy=Sometimes", "/image/pullPolicy")]
    public async Task Refuses_bad_values_naming_the_value(string set, string named)
    {
        var (exit, _, stderr) = await HelmRunner.RunAsync(null, "template", "x", HelmRunner.Chart, "--set", set);

        Assert.NotEqual(0, exit);
        Assert.Contains(named, stderr);
    }

    [Fact]
    public async Task Operator_pods_run_with_restricted_pod_security_and_health_probes()
    {
        var deployment = RenderedManifests.Parse(await HelmRunner.TemplateAsync()).Single("Deployment");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;

        Assert.Equal(true, (bool?)pod["securityContext"]!["runAsNonRoot"]);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        Assert.Equal(true, (bool?)container["securityContext"]!["readOnlyRootFilesystem"]);
        Assert.Equal(false, (bool?)container["securityContext"]!["allowPrivilegeEscalation"]);
        Assert.Equal(["ALL"], container["securityContext"]!["capabilities"]!["drop"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.NotNull(container["resources"]!["requests"]);
        Assert.Equal(2, (int?)deployment["spec"]!["replicas"]);
        Assert.NotNull(pod["affinity"]!["podAntiAffinity"]);
    }

    [Fact]
    public async Task Watching_namespaces_grants_roles_there_and_nothing_cluster_wide_to_the_operator()
    {
        var objects = RenderedManifests.Parse(await HelmRunner.TemplateAsync("--set", "watchNamespaces={team-a,team-b}", "--set", "rbac.aggregateToDefaultRoles=false"));

        Assert.Empty(objects.OfKind("ClusterRole"));
        Assert.Empty(objects.OfKind("ClusterRoleBinding"));
        Assert.Equal(["ml-system", "team-a", "team-b"], objects.OfKind("Role").Select(r => (string?)r["metadata"]!["namespace"]).Order());
        Assert.Contains("--watch-namespaces=team-a,team-b", Args(objects));
    }

    [Fact]
    public async Task Rules_hold_no_wildcard_no_privilege_escalation_verb_and_no_secret_access()
    {
        var objects = RenderedManifests.Parse(await HelmRunner.TemplateAsync());
        var rules = objects.Where(o => (string?)o["kind"] is "ClusterRole" or "Role")
            .SelectMany(role => role["rules"]!.AsArray().Select(rule => (Role: (string?)role["metadata"]!["name"], Rule: rule!)))
            .ToList();

        Assert.NotEmpty(rules);
        foreach (var (role, rule) in rules)
        {
            var verbs = Strings(rule["verbs"]);
            var resources = Strings(rule["resources"]);
            var groups = Strings(rule["apiGroups"]);
            Assert.DoesNotContain("*", verbs.Concat(resources).Concat(groups));
            Assert.Empty(verbs.Intersect(["escalate", "bind", "impersonate"]));
            Assert.DoesNotContain("secrets", resources);
            Assert.True(rule["nonResourceURLs"] is null, $"{role} grants non-resource URLs");
        }
    }

    [Fact]
    public async Task The_chart_ships_the_same_CRDs_as_config_crds()
    {
        var shipped = Directory.GetFiles(Path.Combine(HelmRunner.Chart, "crds")).Select(Path.GetFileName).Order();
        var generated = Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", "crds")).Select(Path.GetFileName).Order();

        Assert.Equal(generated, shipped);
        foreach (var name in generated)
        {
            Assert.Equal(
                await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "config", "crds", name!)),
                await File.ReadAllTextAsync(Path.Combine(HelmRunner.Chart, "crds", name!)));
        }

        await Task.CompletedTask;
    }

    private static IEnumerable<string> Args(IReadOnlyList<JsonObject> objects) =>
        Strings(objects.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]);

    private static List<string> Strings(JsonNode? array) => array is null ? [] : [.. array.AsArray().Select(n => (string)n!)];
}
