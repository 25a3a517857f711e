using System.Reflection;
using MlOperator.Operator.Api.Schema;
using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Api;

public class ModelDeploymentValidatorTests
{
    [Fact]
    public void Baseline_fixture_is_valid()
    {
        Assert.Empty(ModelDeploymentValidator.Validate(ModelDeploymentFixtures.Valid()));
    }

    public static TheoryData<string, Action<ModelDeploymentSpec>, string, string> Invalid => new()
    {
        { "max below min", s => s.Autoscaling = new AutoscalingSpec { MinReplicas = 5, MaxReplicas = 2 }, "spec.autoscaling", "maxReplicas must be greater than or equal to minReplicas (maxReplicas 2, minReplicas 5)" },
        { "count 0 with type", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.NvidiaGpu, Count = 0 }, "spec.accelerator", "count must be at least 1" },
        { "unknown scheme", s => s.Model.Uri = "ftp://models.example.com/model.onnx", "spec.model.uri", "must match" },
        { "s3 without key", s => s.Model.Uri = "s3://model-store", "spec.model.uri", "must match" },
        { "s3 with empty key", s => s.Model.Uri = "s3://model-store/", "spec.model.uri", "must match" },
        { "s3 bucket in upper case", s => s.Model.Uri = "s3://Model-Store/m.onnx", "spec.model.uri", "must match" },
        { "gs without bucket", s => s.Model.Uri = "gs:///m.onnx", "spec.model.uri", "must match" },
        { "az without blob", s => s.Model.Uri = "az://models", "spec.model.uri", "must match" },
        { "az container with underscore", s => s.Model.Uri = "az://my_models/m.onnx", "spec.model.uri", "must match" },
        { "hf without path in repo", s => s.Model.Uri = "hf://acme/fraud-detector", "spec.model.uri", "must match" },
        { "hf with empty revision", s => s.Model.Uri = "hf://acme/fraud-detector/model.onnx@", "spec.model.uri", "must match" },
        { "http with credentials", s => s.Model.Uri = "https://user:secret@models.example.com/m.onnx", "spec.model.uri", "must match" },
        { "credentials secret not a name", s => s.Model.CredentialsSecret = "Model_Creds", "spec.model.credentialsSecret", "must match" },
        { "service account not a name", s => s.ServiceAccountName = "model reader", "spec.serviceAccountName", "must match" },
        { "pvc without path", s => s.Model.Uri = "pvc://model-store", "spec.model.uri", "must match" },
        { "short sha", s => s.Model.Sha256 = "abc123", "spec.model.sha256", "must match ^[A-Fa-f0-9]{64}$" },
        { "non-hex sha", s => s.Model.Sha256 = new string('g', 64), "spec.model.sha256", "must match" },
        { "weights not increasing", s => s.Rollout = new RolloutSpec { Steps = [new() { Weight = 50 }, new() { Weight = 10 }] }, "spec.rollout", "strictly increasing (got 50, 10)" },
        { "weights repeat", s => s.Rollout = new RolloutSpec { Steps = [new() { Weight = 20 }, new() { Weight = 20 }] }, "spec.rollout", "strictly increasing" },
        { "weight above 100", s => s.Rollout = new RolloutSpec { Steps = [new() { Weight = 10 }, new() { Weight = 120 }] }, "spec.rollout.steps[1].weight", "must be at most 100, got 120" },
        { "weight 0", s => s.Rollout = new RolloutSpec { Steps = [new() { Weight = 0 }] }, "spec.rollout.steps[0].weight", "must be at least 1, got 0" },
        { "tpu count vs topology", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.GoogleTpu, Count = 3, Product = "tpu-v5-lite-podslice", Topology = "2x4" }, "spec.accelerator", "topology 2x4 has 8 chips, count is 3" },
        { "tpu without topology", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.GoogleTpu, Count = 4, Product = "tpu-v5-lite-podslice" }, "spec.accelerator", "requires product" },
        { "topology on gpu", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.NvidiaGpu, Count = 1, Topology = "2x2" }, "spec.accelerator", "applies only to type google.com/tpu" },
        { "bad topology", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.GoogleTpu, Count = 1, Product = "tpu-v5p-slice", Topology = "2by2" }, "spec.accelerator.topology", "must match" },
        { "unknown accelerator", s => s.Accelerator = new AcceleratorSpec { Type = "intel.com/gpu", Count = 1 }, "spec.accelerator.type", "must be one of nvidia.com/gpu, amd.com/gpu, google.com/tpu" },
        { "tls without host", s => s.Ingress = new ModelIngressSpec { TlsSecretName = "tls" }, "spec.ingress", "tlsSecretName requires spec.ingress.host" },
        { "nginx routing without ingress", s => s.Rollout = new RolloutSpec { TrafficRouting = RolloutSpec.NginxIngress }, "spec", "NginxIngress requires spec.ingress" },
        { "recreate with steps", s => s.Rollout = new RolloutSpec { Strategy = RolloutSpec.Recreate, Steps = [new() { Weight = 10 }] }, "spec.rollout", "apply only to strategy Canary" },
        { "unknown strategy", s => s.Rollout = new RolloutSpec { Strategy = "BlueGreen" }, "spec.rollout.strategy", "must be one of Canary, Recreate" },
        { "missing model name", s => s.Model.Name = "", "spec.model.name", "is required" },
        { "missing uri", s => s.Model.Uri = "", "spec.model.uri", "is required" },
        { "negative replicas", s => s.Replicas = -1, "spec.replicas", "must be at least 0" },
        { "port out of range", s => s.Service = new ModelServiceSpec { Port = 70000 }, "spec.service.port", "must be at most 65535" },
        { "bad duration", s => s.Rollout = new RolloutSpec { Steps = [new() { Weight = 10, Pause = "two minutes" }] }, "spec.rollout.steps[0].pause", "must be a duration" },
        { "error rate above 1", s => s.Rollout = new RolloutSpec { Analysis = new AnalysisSpec { MaxErrorRate = 1.5 } }, "spec.rollout.analysis.maxErrorRate", "must be at most 1" },
        { "version with spaces", s => s.Model.Version = "v 1", "spec.model.version", "must match" },
        { "host with uppercase", s => s.Ingress = new ModelIngressSpec { Host = "Fraud.Example.com" }, "spec.ingress.host", "must match" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Reports_violation_naming_field_and_rule(string scenario, Action<ModelDeploymentSpec> change, string field, string messagePart)
    {
        var violations = ModelDeploymentValidator.Validate(ModelDeploymentFixtures.Valid(change));

        var match = violations.FirstOrDefault(v => v.Field == field && v.Message.Contains(messagePart, StringComparison.Ordinal));
        Assert.True(match is not null, $"{scenario}: expected {field} ~ '{messagePart}', got: {string.Join(" | ", violations.Select(v => $"{v.Field}: {v.Message}"))}");
        Assert.StartsWith(field.Split('[')[0], match!.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(match.Rule));
    }

    public static TheoryData<string, Action<ModelDeploymentSpec>> ValidVariants => new()
    {
        { "tpu single host", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.GoogleTpu, Count = 8, Product = "tpu-v5-lite-podslice", Topology = "2x4" } },
        { "tpu multi host", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.GoogleTpu, Count = 4, Product = "tpu-v5p-slice", Topology = "2x2x4" } },
        { "gpu", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.AmdGpu, Count = 2 } },
        { "http model", s => s.Model.Uri = "https://models.example.com/fraud/7/model.onnx" },
        { "file model", s => s.Model.Uri = "file:///models/fraud.onnx" },
        { "s3 model", s => s.Model.Uri = "s3://model-store/fraud/7/model.onnx" },
        { "gs model", s => s.Model.Uri = "gs://model_store.example.com/fraud/7/model.onnx" },
        { "az model", s => s.Model.Uri = "az://models/fraud/7/model.onnx" },
        { "azure blob https model", s => s.Model.Uri = "https://account1.blob.core.windows.net/models/fraud/7/model.onnx" },
        { "hf model at a revision", s => s.Model.Uri = "hf://acme/fraud-detector/onnx/model.onnx@refs/pr/1" },
        { "hf model on main", s => s.Model.Uri = "hf://acme/fraud-detector/model.onnx" },
        { "credentials and service account", s => { s.Model.Uri = "s3://model-store/m.onnx"; s.Model.CredentialsSecret = "model-store-creds"; s.ServiceAccountName = "model-reader"; } },
        { "equal min max", s => s.Autoscaling = new AutoscalingSpec { MinReplicas = 3, MaxReplicas = 3 } },
        { "int seconds pause", s => s.Rollout = new RolloutSpec { Steps = [new() { Weight = 10, Pause = 120 }, new() { Weight = 100, Pause = "1m30s" }] } },
        { "ingress with tls", s => s.Ingress = new ModelIngressSpec { Host = "fraud.example.com", TlsSecretName = "fraud-tls", Path = "/v2" } },
        { "quantities", s => s.Runtime = new RuntimeSpec { Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = "1.5", ["memory"] = "1Gi" } } } },
    };

    [Theory]
    [MemberData(nameof(ValidVariants))]
    public void Accepts_valid_variants(string scenario, Action<ModelDeploymentSpec> change)
    {
        var violations = ModelDeploymentValidator.Validate(ModelDeploymentFixtures.Valid(change));
        Assert.True(violations.Count == 0, $"{scenario}: {string.Join(" | ", violations)}");
    }

    [Fact]
    public void Every_cel_rule_on_the_types_has_a_csharp_twin()
    {
        var rules = typeof(ModelDeployment).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ModelDeployment).Namespace)
            .SelectMany(t => t.GetCustomAttributes<CelRuleAttribute>())
            .Select(a => a.Rule)
            .ToHashSet();

        Assert.NotEmpty(rules);
        Assert.Equal(rules.Order(), ModelDeploymentValidator.CheckedCelRules.Order());
    }

    [Theory]
    [InlineData("fraud-detector", true)]
    [InlineData("9lives", false)]
    [InlineData("with.dots", false)]
    [InlineData("Upper", false)]
    public void Name_must_be_usable_as_a_service_name(string name, bool valid)
    {
        var md = ModelDeploymentFixtures.Valid();
        md.Metadata.Name = name;

        var violations = ModelDeploymentValidator.Validate(md);

        Assert.Equal(valid, violations.Count == 0);
        Assert.All(violations, v => Assert.Equal("metadata.name", v.Field));
    }

    [Theory]
    [InlineData("""{"spec":{"model":null}}""", "spec.model")]
    [InlineData("""{"spec":null}""", "spec")]
    [InlineData("""{"spec":{"model":{"name":"m","version":"1","uri":"file:///m"},"rollout":{"steps":[null,{"weight":5}]}}}""", "spec.rollout")]
    [InlineData("""{"spec":{"model":{"name":"m","version":"1","uri":"file:///m"},"accelerator":{"type":null,"count":1}}}""", "spec.accelerator.type")]
    public void Json_nulls_become_violations_not_exceptions(string json, string field)
    {
        var md = KubeJson.Deserialize<ModelDeployment>(json);
        md.Metadata.Name = "m";

        var violations = ModelDeploymentValidator.Validate(md);

        Assert.Contains(violations, v => v.Field == field);
    }

    [Fact]
    public void Missing_spec_is_one_violation_not_an_exception()
    {
        var violations = ModelDeploymentValidator.Validate((ModelDeploymentSpec?)null);
        Assert.Equal("spec", Assert.Single(violations).Field);
    }

    [Fact]
    public void Reports_every_violation_at_once()
    {
        var md = ModelDeploymentFixtures.Valid(s =>
        {
            s.Model.Sha256 = "nope";
            s.Autoscaling = new AutoscalingSpec { MinReplicas = 4, MaxReplicas = 1 };
        });

        var fields = ModelDeploymentValidator.Validate(md).Select(v => v.Field).ToList();

        Assert.Contains("spec.model.sha256", fields);
        Assert.Contains("spec.autoscaling", fields);
    }
}
