using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Resources;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Resources;

/// <summary>DesiredStateBuilder with trafficRouting NginxIngress: the Service pinned to the stable, the canary Service and Ingress.</summary>
public class NginxCanaryRoutingTests
{
    private static readonly ModelDeploymentDefaults Defaults = ModelDeploymentDefaults.Default;

    private static ModelDeployment Md(string routing = RolloutSpec.NginxIngress, ModelIngressSpec? ingress = null) => ModelDeploymentFixtures.Valid(s =>
    {
        s.Ingress = ingress ?? new ModelIngressSpec { Host = "fraud.example.com", Path = "/v2", ClassName = "nginx", TlsSecretName = "fraud-tls" };
        s.Rollout = new RolloutSpec { TrafficRouting = routing, Steps = [new RolloutStep { Weight = 10, Pause = "1m" }] };
    });

    private static (RevisionPlan Stable, RevisionPlan Canary) Revisions(ModelDeployment md)
    {
        var stable = new RevisionPlan(RevisionTemplate.From(md.Spec), RevisionRole.Stable, 4);
        var next = ModelDeploymentFixtures.Valid(s => s.Model.Version = "8");
        return (stable, new RevisionPlan(RevisionTemplate.From(next.Spec), RevisionRole.Canary, 1));
    }

    private static Dictionary<string, string> PodsOf(string revision) => new()
    {
        [ModelDeploymentLabels.ModelDeploymentLabel] = "fraud-detector",
        [ModelDeploymentLabels.Revision] = revision,
    };

    [Fact]
    public void Canary_Service_and_Ingress_split_by_the_weight_annotation()
    {
        var md = Md();
        var (stable, canary) = Revisions(md);

        var desired = DesiredStateBuilder.Build(md, [stable, canary], Defaults, canaryWeight: 10);

        Assert.Equal("fraud-detector", desired.Service.Metadata.Name);
        Assert.Equal(PodsOf(stable.Hash), desired.Service.Spec.Selector);

        var service = desired.CanaryService!;
        Assert.Equal("fraud-detector-canary", service.Metadata.Name);
        Assert.Equal("risk", service.Metadata.NamespaceProperty);
        Assert.Equal(PodsOf(canary.Hash), service.Spec.Selector);
        Assert.Equal(desired.Service.Spec.Ports.Single().Port, service.Spec.Ports.Single().Port);
        Assert.Equal("ModelDeployment", service.Metadata.OwnerReferences.Single().Kind);
        Assert.Equal(("v1", "Service"), (service.ApiVersion, service.Kind));

        var main = desired.Ingress!;
        var ingress = desired.CanaryIngress!;
        Assert.Equal("fraud-detector-canary", ingress.Metadata.Name);
        Assert.Equal(("networking.k8s.io/v1", "Ingress"), (ingress.ApiVersion, ingress.Kind));
        Assert.Equal(new Dictionary<string, string>
        {
            ["nginx.ingress.kubernetes.io/canary"] = "true",
            ["nginx.ingress.kubernetes.io/canary-weight"] = "10",
        }, ingress.Metadata.Annotations);
        Assert.Null(main.Metadata.Annotations);
        Assert.Equal("nginx", ingress.Spec.IngressClassName);
        Assert.Equal(main.Spec.IngressClassName, ingress.Spec.IngressClassName);

        var rule = ingress.Spec.Rules.Single();
        var path = rule.Http.Paths.Single();
        Assert.Equal("fraud.example.com", rule.Host);
        Assert.Equal(("/v2", "Prefix"), (path.Path, path.PathType));
        Assert.Equal("fraud-detector-canary", path.Backend.Service.Name);
        Assert.Equal(service.Spec.Ports.Single().Port, path.Backend.Service.Port.Number);
        Assert.Equal("fraud-detector", main.Spec.Rules.Single().Http.Paths.Single().Backend.Service.Name);
        Assert.Equal(["fraud.example.com"], ingress.Spec.Tls.Single().Hosts);
        Assert.Equal("fraud-tls", ingress.Spec.Tls.Single().SecretName);
        Assert.Equal(ingress.Metadata.OwnerReferences.Single().Uid, md.Metadata.Uid);
    }

    [Fact]
    public void Canary_objects_are_applied_after_the_objects_they_sit_beside()
    {
        var md = Md();
        var (stable, canary) = Revisions(md);

        var desired = DesiredStateBuilder.Build(md, [stable, canary], Defaults, canaryWeight: 0);

        Assert.Equal(
            ["Deployment", "Deployment", "Service fraud-detector", "Service fraud-detector-canary", "Ingress fraud-detector", "Ingress fraud-detector-canary"],
            desired.Objects.Select(o => o.Kind == "Deployment" ? o.Kind : $"{o.Kind} {o.Metadata.Name}"));
        Assert.Equal("0", desired.CanaryIngress!.Metadata.Annotations["nginx.ingress.kubernetes.io/canary-weight"]);
    }

    [Fact]
    public void Without_a_weighted_canary_the_Service_selects_the_stable_revision_and_no_canary_object_exists()
    {
        var md = Md();
        var (stable, canary) = Revisions(md);

        var alone = DesiredStateBuilder.Build(md, [stable], Defaults, canaryWeight: null);
        var unweighted = DesiredStateBuilder.Build(md, [stable, canary], Defaults, canaryWeight: null);

        foreach (var desired in new[] { alone, unweighted })
        {
            Assert.Equal(PodsOf(stable.Hash), desired.Service.Spec.Selector);
            Assert.Null(desired.CanaryService);
            Assert.Null(desired.CanaryIngress);
            Assert.DoesNotContain(desired.Objects, o => o.Metadata.Name == "fraud-detector-canary");
        }
    }

    [Fact]
    public void Promotion_moves_the_Service_to_the_new_stable_and_drops_the_canary_Ingress_and_then_the_canary_Service()
    {
        var md = Md();
        var (stable, canary) = Revisions(md);
        var promoted = canary with { Role = RevisionRole.Stable, Replicas = 4 };
        var retiring = stable with { Role = RevisionRole.Retiring, Replicas = 0 };

        var draining = DesiredStateBuilder.Build(md, [promoted, retiring], Defaults, canaryWeight: null);
        var drained = DesiredStateBuilder.Build(md, [promoted], Defaults, canaryWeight: null);

        Assert.Equal(PodsOf(canary.Hash), draining.Service.Spec.Selector);
        Assert.Null(draining.CanaryIngress);
        // While the old revision drains, a lagging ingress-nginx's canary share still finds endpoints: the new stable's.
        Assert.Equal(PodsOf(canary.Hash), draining.CanaryService!.Spec.Selector);
        Assert.Null(drained.CanaryService);
        Assert.Null(drained.CanaryIngress);
    }

    [Fact]
    public void After_a_rollback_the_canary_Service_sends_a_lagging_canary_share_to_the_stable_until_the_canary_drained()
    {
        var md = Md();
        var (stable, canary) = Revisions(md);

        var desired = DesiredStateBuilder.Build(md, [stable, canary with { Role = RevisionRole.Retiring, Replicas = 0 }], Defaults, canaryWeight: null);

        Assert.Equal(PodsOf(stable.Hash), desired.CanaryService!.Spec.Selector);
        Assert.Null(desired.CanaryIngress);
    }

    [Theory]
    [InlineData(RolloutSpec.ReplicaRatio)]
    [InlineData(RolloutSpec.GatewayApi)]
    public void Other_routings_keep_one_Service_over_every_revision(string routing)
    {
        var md = Md(routing);
        var (stable, canary) = Revisions(md);

        var desired = DesiredStateBuilder.Build(md, [stable, canary], Defaults, canaryWeight: 10);

        Assert.Equal(new Dictionary<string, string> { [ModelDeploymentLabels.ModelDeploymentLabel] = "fraud-detector" }, desired.Service.Spec.Selector);
        Assert.Null(desired.CanaryService);
        Assert.Null(desired.CanaryIngress);
    }

    [Fact]
    public void Canary_Ingress_without_host_or_TLS_mirrors_the_main_one()
    {
        var md = Md(ingress: new ModelIngressSpec());
        var (stable, canary) = Revisions(md);

        var desired = DesiredStateBuilder.Build(md, [stable, canary], Defaults, canaryWeight: 50);

        var ingress = desired.CanaryIngress!;
        Assert.Null(ingress.Spec.IngressClassName);
        Assert.Null(ingress.Spec.Tls);
        Assert.Null(ingress.Spec.Rules.Single().Host);
        Assert.Equal(desired.Ingress!.Spec.Rules.Single().Http.Paths.Single().Path, ingress.Spec.Rules.Single().Http.Paths.Single().Path);
        Assert.Equal("50", ingress.Metadata.Annotations[NginxCanary.WeightAnnotation]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Weight_outside_0_to_100_is_refused(int weight) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NginxCanary.Annotations(weight));

    [Fact]
    public void Long_names_fit_the_63_character_limit_with_the_canary_suffix()
    {
        var md = Md();
        md.Metadata.Name = new string('m', 70);
        var (stable, canary) = Revisions(md);

        var desired = DesiredStateBuilder.Build(md, [stable, canary], Defaults, canaryWeight: 10);

        Assert.EndsWith("-canary", desired.CanaryService!.Metadata.Name);
        Assert.True(desired.CanaryService.Metadata.Name.Length <= 63);
        Assert.Equal(desired.CanaryService.Metadata.Name, desired.CanaryIngress!.Spec.Rules.Single().Http.Paths.Single().Backend.Service.Name);
    }
}
