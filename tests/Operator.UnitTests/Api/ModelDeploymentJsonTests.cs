using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Api;

public class ModelDeploymentJsonTests
{
    [Fact]
    public void Reads_yaml_numbers_as_quantities_and_int_or_string_durations()
    {
        var md = ModelDeploymentFixtures.FromYaml("""
            apiVersion: serving.mloperator.io/v1alpha1
            kind: ModelDeployment
            metadata: { name: m }
            spec:
              model: { name: m, version: "1", uri: file:///m.onnx }
              runtime:
                resources: { requests: { cpu: 1, memory: 1Gi }, limits: { cpu: 1.5 } }
                batching: { maxDelay: 2ms }
              rollout:
                steps: [ { weight: 10, pause: 120 }, { weight: 50, pause: 5m } ]
            """);

        Assert.Equal("1", md.Spec.Runtime!.Resources!.Requests!["cpu"].ToString());
        Assert.Equal("1500m", md.Spec.Runtime.Resources.Limits!["cpu"].ToString());
        Assert.True(IntOrStrings.TryGetInt(md.Spec.Rollout!.Steps![0].Pause, out var seconds) && seconds == 120);
        Assert.Equal("5m", md.Spec.Rollout.Steps[1].Pause!.Value);
        Assert.Equal("serving.mloperator.io/v1alpha1", md.ApiVersion);
        Assert.Empty(ModelDeploymentValidator.Validate(md));
    }

    [Fact]
    public void Writes_no_unset_fields_so_server_side_apply_owns_only_what_we_set()
    {
        var json = KubeJson.Serialize(KubeResource.Stamp(new V1Deployment { Metadata = new V1ObjectMeta { Name = "d" }, Spec = new V1DeploymentSpec() }));

        Assert.Equal("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{}}""", json);
    }

    [Fact]
    public void Copies_and_comparisons_use_the_librarys_own_serializer_options_so_type_metadata_exists_once()
    {
        System.Text.Json.JsonSerializerOptions? library = null;
        k8s.KubernetesJson.AddJsonOptions(options => library = options);

        Assert.Same(library, KubeJson.Options);
        var md = ModelDeploymentFixtures.Valid();
        Assert.Equal(KubeJson.Serialize(md), System.Text.Json.JsonSerializer.Serialize(KubeJson.DeepCopy(md), KubeJson.Options));
    }

    [Fact]
    public void Int_or_string_round_trips_as_written()
    {
        var port = KubeJson.Deserialize<V1HTTPGetAction>("""{"port":8080,"path":"/"}""");
        var named = KubeJson.Deserialize<V1HTTPGetAction>("""{"port":"http"}""");

        Assert.Equal("""{"path":"/","port":8080}""", KubeJson.Serialize(port));
        Assert.Equal("""{"port":"http"}""", KubeJson.Serialize(named));
    }

    [Fact]
    public void Status_round_trips_with_conditions_and_canary()
    {
        var status = new ModelDeploymentStatus
        {
            ObservedGeneration = 4,
            Phase = ModelDeploymentPhase.Progressing,
            Canary = new CanaryStatus { Version = "7", Weight = 10, Step = 0, StepStartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            Conditions = [new V1Condition { Type = ModelDeploymentConditions.Ready, Status = "False", Reason = ModelDeploymentConditions.ReasonReconciling }],
        };

        var back = KubeJson.Deserialize<ModelDeploymentStatus>(KubeJson.Serialize(status));

        Assert.Equal("\"2026-01-01T00:00:00Z\"", KubeJson.Serialize(back.Canary!.StepStartedAt));
        Assert.Equal(KubeJson.Serialize(status), KubeJson.Serialize(back));
    }

    [Fact]
    public void Condition_transition_time_moves_only_when_status_flips()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var t1 = t0.AddMinutes(5);
        var first = ModelDeploymentConditions.Create(null, ModelDeploymentConditions.Ready, "False", ModelDeploymentConditions.ReasonReplicasNotReady, "0 of 2 replicas ready", 1, t0);

        var same = ModelDeploymentConditions.Create([first], ModelDeploymentConditions.Ready, "False", ModelDeploymentConditions.ReasonReplicasNotReady, "1 of 2 replicas ready", 2, t1);
        var flipped = ModelDeploymentConditions.Create([first], ModelDeploymentConditions.Ready, "True", ModelDeploymentConditions.ReasonAvailable, "2 of 2 replicas ready", 2, t1);

        Assert.Equal(t0, same.LastTransitionTime);
        Assert.Equal(t1, flipped.LastTransitionTime);
        Assert.Equal(2, same.ObservedGeneration);
    }
}
