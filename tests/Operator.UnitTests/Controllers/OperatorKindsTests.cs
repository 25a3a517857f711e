using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Controllers;
using MlOperator.Operator.Controllers.ModelDeployment;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Runtime.Hosting;
using MlOperator.Operator.UnitTests.Fakes;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Controllers;

public sealed class OperatorKindsTests
{
    [Fact]
    public void The_charts_rbac_rules_are_the_ones_the_code_declares()
    {
        var committed = Path.Combine(RepoPaths.Root, "charts", "ml-operator", "files", "rbac-rules.yaml");

        Assert.True(File.ReadAllText(committed) == OperatorKinds.RbacRulesYaml(),
            $"{committed} drifted from OperatorKinds: run `make generate` and commit it");
    }

    [Fact]
    public void Every_informer_the_controller_starts_is_granted_list_and_watch_and_every_owned_kind_has_one()
    {
        var time = new FakeTimeProvider();
        var manager = new ControllerManager(new FakeKubeClient(time), new ManagerOptions { LeaderElection = false }, NullLoggerFactory.Instance, time);

        ModelDeploymentController.Register(manager, new FakeKubeClient(time), ModelDeploymentDefaults.Default, NullLoggerFactory.Instance, time);

        var informed = manager.Informers.Informers.Select(i => i.ObjectType).ToHashSet();
        var watchable = OperatorKinds.Watched
            .Where(a => a.Subresource is null && a.Verbs.Contains("list") && a.Verbs.Contains("watch"))
            .Select(a => a.Type)
            .ToHashSet();
        Assert.Subset(watchable, informed);
        Assert.Subset(informed, OperatorKinds.Owned.Select(k => k.Type).ToHashSet());
    }

    [Fact]
    public void An_hpa_wakes_its_owner_when_edited_not_when_the_autoscaler_writes_its_status()
    {
        var hpa = new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "fraud", NamespaceProperty = "ml", Generation = 1, ResourceVersion = "10", Labels = new Dictionary<string, string> { ["a"] = "1" } },
            Spec = new V2HorizontalPodAutoscalerSpec { MinReplicas = 1, MaxReplicas = 4 },
        };
        var owned = Assert.Single(OperatorKinds.Owned.OfType<OwnedKind<V2HorizontalPodAutoscaler>>());
        var filter = owned.Filter!;
        V2HorizontalPodAutoscaler With(Action<V2HorizontalPodAutoscaler> change)
        {
            var copy = KubeJson.DeepCopy(hpa);
            copy.Metadata.ResourceVersion = "11";
            change(copy);
            return copy;
        }

        var statusWrite = With(h => h.Status = new V2HorizontalPodAutoscalerStatus { CurrentReplicas = 3, DesiredReplicas = 4, ObservedGeneration = 1 });
        Assert.False(filter.Update!(hpa, statusWrite));
        Assert.True(filter.Update!(hpa, With(h => { h.Metadata.Generation = 2; h.Spec.MaxReplicas = 8; })));
        Assert.True(filter.Update!(hpa, With(h => h.Metadata.Labels["a"] = "2")));
        Assert.True(filter.Update!(hpa, With(h => h.Metadata.Annotations = new Dictionary<string, string> { ["b"] = "1" })));
        Assert.True(filter.Create?.Invoke(hpa) ?? true);
        Assert.True(filter.Delete?.Invoke(hpa) ?? true);
    }

    [Fact]
    public void A_deployment_wakes_its_owner_on_create_only_once_its_controller_observed_it_a_service_only_when_changed_or_deleted()
    {
        var applied = new V1Deployment { Metadata = new V1ObjectMeta { Name = "fraud", NamespaceProperty = "ml", Generation = 1 }, Status = new V1DeploymentStatus() };
        var observed = KubeJson.DeepCopy(applied);
        observed.Status.ObservedGeneration = 1;
        var deployments = Assert.Single(OperatorKinds.Owned.OfType<OwnedKind<V1Deployment>>()).Filter!;
        var services = Assert.Single(OperatorKinds.Owned.OfType<OwnedKind<V1Service>>()).Filter!;
        var service = new V1Service { Metadata = new V1ObjectMeta { Name = "fraud", NamespaceProperty = "ml" } };

        Assert.Equal((false, true), (deployments.Create!(applied), deployments.Create!(observed)));
        Assert.Null(deployments.Update); // every status write passes: availability is what the reconciler waits for
        Assert.Null(deployments.Delete);
        Assert.False(services.Create!(service));
        Assert.Null(services.Update);
        Assert.Null(services.Delete);
    }

    [Fact]
    public void Owned_kinds_get_exactly_what_apply_and_stale_deletion_need()
    {
        foreach (var kind in OperatorKinds.Owned)
        {
            var access = Assert.Single(OperatorKinds.Watched, a => a.Type == kind.Type && a.Subresource is null);
            Assert.Equal(["create", "delete", "list", "patch", "watch"], access.Verbs.Order());
        }
    }

    [Fact]
    public void No_rule_grants_a_wildcard_secrets_or_a_privilege_escalating_verb()
    {
        foreach (var access in OperatorKinds.Watched.Concat(OperatorKinds.LeaderElection))
        {
            Assert.DoesNotContain("*", access.Verbs);
            Assert.Empty(access.Verbs.Intersect(["escalate", "bind", "impersonate"]));
            Assert.NotEqual("secrets", access.Resource.Plural);
        }
    }
}
