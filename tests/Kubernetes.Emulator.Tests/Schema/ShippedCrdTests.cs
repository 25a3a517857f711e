using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;
using static MlOperator.Kubernetes.Emulator.Tests.Schema.SchemaFixtures;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

/// <summary>The Schema pipeline against the CRD and samples the operator ships (config/).</summary>
public sealed class ShippedCrdTests
{
    private const string CrdPath = "config/crds/serving.mloperator.io_modeldeployments.yaml";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static JsonObject Version() => (JsonObject)YamlFile(CrdPath)["spec"]!["versions"]![0]!;

    private static StructuralSchema Schema() => StructuralSchema.FromCrdVersion(Version())!;

    /// <summary>Prune, default, validate: the order the CR handler runs them in.</summary>
    private static (IReadOnlyList<string> Pruned, IReadOnlyList<FieldError> Errors) Admit(JsonObject obj, StructuralSchema schema)
    {
        var pruned = SchemaPruner.Prune(obj, schema);
        SchemaDefaulter.Apply(obj, schema);
        return (pruned, SchemaValidator.Validate(obj, schema));
    }

    [Theory]
    [InlineData("config/samples/cpu-model.yaml")]
    [InlineData("config/samples/gpu-model.yaml")]
    [InlineData("config/samples/tpu-model.yaml")]
    [InlineData("config/samples/ingress-hpa-model.yaml")]
    [InlineData("config/samples/s3-model.yaml")]
    [InlineData("config/samples/local-model.yaml")]
    public void Samples_are_admitted_unchanged_but_for_defaults(string sample)
    {
        var original = YamlFile(sample);
        var obj = (JsonObject)original.DeepClone();

        var (pruned, errors) = Admit(obj, Schema());

        Assert.Empty(pruned);
        Assert.Empty(errors);
        AssertContains(original, obj, "");
    }

    // Every value the sample wrote is still there, unchanged; defaulting may only add.
    private static void AssertContains(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is JsonObject e)
        {
            var a = Assert.IsType<JsonObject>(actual);
            foreach (var (key, value) in e)
            {
                Assert.True(a.ContainsKey(key), $"{path}.{key} was dropped");
                AssertContains(value, a[key], $"{path}.{key}");
            }
        }
        else
        {
            Assert.True(JsonNode.DeepEquals(expected, actual), $"{path} changed");
        }
    }

    [Fact]
    public void Defaults_an_almost_empty_spec()
    {
        var obj = Q("""{'apiVersion':'serving.mloperator.io/v1alpha1','kind':'ModelDeployment','metadata':{'name':'m'},'spec':{'model':{'name':'m','version':'1','uri':'https://h/m.onnx'},'rollout':{}}}""");

        var (_, errors) = Admit(obj, Schema());

        Assert.Empty(errors);
        var spec = obj["spec"]!;
        Assert.Equal(1, spec["replicas"]!.GetValue<long>());
        Assert.Equal("Canary", spec["rollout"]!["strategy"]!.GetValue<string>());
        Assert.Equal("ReplicaRatio", spec["rollout"]!["trafficRouting"]!.GetValue<string>());
    }

    [Fact]
    public void Rejects_what_kube_would_with_kubes_messages()
    {
        var obj = YamlFile("config/samples/cpu-model.yaml");
        obj["spec"]!["replicas"] = "two";
        obj["spec"]!["rollout"]!["steps"]![1]!["weight"] = 150;
        obj["spec"]!["rollout"]!["trafficRouting"] = "Istio";
        obj["spec"]!["runtime"]!["resources"]!["requests"]!["cpu"] = "lots";
        obj["spec"]!["model"]!.AsObject().Remove("uri");
        obj["spec"]!["bogus"] = true;

        var (pruned, errors) = Admit(obj, Schema());

        Assert.Equal(["spec.bogus"], pruned);
        Assert.Equal(
            [
                "spec.model.uri: Required value",
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
                "spec.rollout.steps[1].weight: Invalid value: 150: spec.rollout.steps[1].weight in body should be less than or equal to 100",
                "spec.rollout.trafficRouting: Unsupported value: \"Istio\": supported values: \"ReplicaRatio\", \"NginxIngress\", \"GatewayAPI\"",
                "spec.runtime.resources.requests.cpu: Invalid value: \"lots\": spec.runtime.resources.requests.cpu in body should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'",
            ],
            errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rejects_duplicate_condition_types_in_status()
    {
        var obj = YamlFile("config/samples/cpu-model.yaml");
        obj["status"] = Q("""{'conditions':[{'type':'Ready','status':'True'},{'type':'Ready','status':'False'}]}""");

        var (_, errors) = Admit(obj, Schema());

        Assert.Equal(["status.conditions[1]: Duplicate value: map[string]interface {}{\"type\":\"Ready\"}"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Prints_the_shipped_columns()
    {
        var obj = YamlFile("config/samples/cpu-model.yaml");
        obj["metadata"]!["creationTimestamp"] = "2026-11-22T11:00:00Z";
        obj["status"] = Q("""
            {'stableVersion':'3','phase':'Progressing','canary':{'version':'4','weight':25},
             'conditions':[{'type':'Progressing','status':'True'},{'type':'Ready','status':'True'}]}
            """);

        var table = TableConverter.ToTable([obj], TableConverter.ColumnsFromCrdVersion(Version()), "9", Now);

        Assert.Equal(
            ["Name", "MODEL", "STABLE", "CANARY", "WEIGHT", "PHASE", "READY", "AGE"],
            table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("""["iris-classifier","iris","3","4",25,"Progressing","True","60m"]""", table["rows"]![0]!["cells"]!.ToJsonString());
    }
}
