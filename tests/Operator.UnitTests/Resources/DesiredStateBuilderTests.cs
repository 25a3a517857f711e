using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Kube.Models;
using MlOperator.Operator.Resources;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Resources;

public class DesiredStateBuilderTests
{
    private static readonly ModelDeploymentDefaults Defaults = ModelDeploymentDefaults.Default;

    private static DesiredState Build(Action<ModelDeploymentSpec>? change = null) =>
        DesiredStateBuilder.Build(ModelDeploymentFixtures.Valid(change), ObservedState.Empty, Defaults);

    private static V1Container Sidecar(V1Deployment d) => d.Spec!.Template!.Spec!.Containers!.Single();

    private static string? Env(V1Container c, string name) => c.Env!.SingleOrDefault(e => e.Name == name)?.Value;

    [Fact]
    public void Revision_hash_is_pinned_for_a_known_spec()
    {
        // Changing this value renames every Deployment in every cluster: only on purpose.
        Assert.Equal("47c7f63157", RevisionTemplate.From(ModelDeploymentFixtures.Valid().Spec).Hash());
    }

    [Fact]
    public void Canonical_template_json_is_pinned_for_a_spec_that_sets_every_field()
    {
        // The canonical form is what the hash covers and what the template annotation stores: any change to how it is
        // written (key order, escaping, numbers, nulls) renames every Deployment in every cluster.
        var template = RevisionTemplate.From(ModelDeploymentFixtures.Valid(s =>
        {
            s.Model.Uri = "s3://bkt/models/fraud&v=1+<x>'\u00e9\u2713\"q\".onnx";
            s.Model.Sha256 = new string('b', 64);
            s.Model.CredentialsSecret = "s3-creds";
            s.Runtime = new RuntimeSpec
            {
                Image = "example.com/sidecar:2",
                Resources = new V1ResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = "1536Mi", ["cpu"] = "250m" },
                    Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = "1", ["cpu"] = "2" },
                    Claims = [new Corev1ResourceClaim { Name = "gpu-claim" }],
                },
                Batching = new BatchingSpec { MaxBatchSize = 16, MaxDelay = "2ms" },
            };
            s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.NvidiaGpu, Count = 2, Product = "NVIDIA-L4", Topology = "2x2" };
        }).Spec);

        Assert.Equal(PinnedCanonicalJson, template.CanonicalJson());
        Assert.Equal(PinnedHash, template.Hash());
    }

    private const string PinnedCanonicalJson =
        """{"accelerator":{"count":2,"product":"NVIDIA-L4","topology":"2x2","type":"nvidia.com/gpu"},"model":{"credentialsSecret":"s3-creds","name":"fraud-detector","sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","uri":"s3://bkt/models/fraud\u0026v=1\u002B\u003Cx\u003E\u0027\u00E9\u2713\u0022q\u0022.onnx","version":"7"},"runtime":{"batching":{"maxBatchSize":16,"maxDelay":"2ms"},"image":"example.com/sidecar:2","resources":{"claims":[{"name":"gpu-claim"}],"limits":{"cpu":"2","nvidia.com/gpu":"1"},"requests":{"cpu":"250m","memory":"1536Mi"}}}}""";
    private const string PinnedHash = "538567e072";

    [Fact]
    public void Revision_hash_ignores_fields_outside_the_pod_template_and_map_order()
    {
        var baseline = RevisionTemplate.From(ModelDeploymentFixtures.Valid().Spec).Hash();
        var other = RevisionTemplate.From(ModelDeploymentFixtures.Valid(s =>
        {
            s.Replicas = 9;
            s.Service = new ModelServiceSpec { Port = 8081 };
            s.Autoscaling = new AutoscalingSpec { MaxReplicas = 4 };
            s.Rollout = new RolloutSpec { Strategy = RolloutSpec.Recreate };
        }).Spec).Hash();
        Assert.Equal(baseline, other);

        var ab = RevisionTemplate.From(ModelDeploymentFixtures.Valid(s => s.Runtime = new RuntimeSpec
        { Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = "1", ["memory"] = "1Gi" } } }).Spec).Hash();
        var ba = RevisionTemplate.From(ModelDeploymentFixtures.Valid(s => s.Runtime = new RuntimeSpec
        { Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = "1Gi", ["cpu"] = "1" } } }).Spec).Hash();
        Assert.Equal(ab, ba);
    }

    public static TheoryData<string, Action<ModelDeploymentSpec>> TemplateChanges => new()
    {
        { "version", s => s.Model.Version = "8" },
        { "uri", s => s.Model.Uri = "pvc://model-store/fraud/8/model.onnx" },
        { "sha256", s => s.Model.Sha256 = new string('a', 64) },
        { "image", s => s.Runtime = new RuntimeSpec { Image = "example.com/sidecar:2" } },
        { "batching", s => s.Runtime = new RuntimeSpec { Batching = new BatchingSpec { MaxBatchSize = 4 } } },
        { "accelerator", s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.NvidiaGpu, Count = 1 } },
    };

    [Theory]
    [MemberData(nameof(TemplateChanges))]
    public void Revision_hash_changes_with_model_runtime_or_accelerator(string field, Action<ModelDeploymentSpec> change)
    {
        var before = RevisionTemplate.From(ModelDeploymentFixtures.Valid().Spec).Hash();
        var after = RevisionTemplate.From(ModelDeploymentFixtures.Valid(change).Spec).Hash();
        Assert.True(before != after, field);
        Assert.Matches("^[0-9a-f]{10}$", after);
    }

    [Fact]
    public void Template_annotation_round_trips_to_the_same_revision()
    {
        var desired = Build(s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.NvidiaGpu, Count = 2, Product = "NVIDIA-L4" });
        var annotation = desired.StableDeployment.Metadata.Annotations![ModelDeploymentLabels.TemplateAnnotation];

        Assert.True(RevisionTemplate.TryFromAnnotation(annotation, out var template));
        Assert.Equal(desired.Stable.Hash, template.Hash());
        Assert.False(RevisionTemplate.TryFromAnnotation("{not json", out _));
        Assert.False(RevisionTemplate.TryFromAnnotation(null, out _));
    }

    [Fact]
    public void Deployment_is_named_by_revision_and_owned_by_the_model_deployment()
    {
        var desired = Build();
        var deployment = desired.StableDeployment;

        Assert.Equal($"fraud-detector-{desired.Stable.Hash}", deployment.Metadata.Name);
        Assert.Equal(desired.Stable.Hash, deployment.Metadata.Labels![ModelDeploymentLabels.Revision]);
        Assert.Equal("mloperator", deployment.Metadata.Labels[ModelDeploymentLabels.ManagedBy]);
        Assert.Equal("7", deployment.Metadata.Labels[ModelDeploymentLabels.Version]);
        Assert.All(desired.Objects, o =>
        {
            var owner = Assert.Single(o.Metadata.OwnerReferences!);
            Assert.Equal(("ModelDeployment", "fraud-detector", true, true), (owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion));
            Assert.Equal("risk", o.Metadata.NamespaceProperty);
        });
    }

    [Fact]
    public void Long_names_are_cut_to_63_characters_and_stay_distinct()
    {
        var a = ModelDeploymentNames.Fit(new string('a', 70) + "x", "-canary", 63);
        var b = ModelDeploymentNames.Fit(new string('a', 70) + "y", "-canary", 63);

        Assert.True(a.Length <= 63);
        Assert.EndsWith("-canary", a);
        Assert.NotEqual(a, b);
        Assert.Equal("short-canary", ModelDeploymentNames.Fit("short", "-canary", 63));
    }

    [Fact]
    public void Pvc_model_is_mounted_read_only_and_its_path_passed_to_the_sidecar()
    {
        var deployment = Build().StableDeployment;
        var pod = deployment.Spec!.Template!.Spec!;
        var volume = pod.Volumes!.Single(v => v.Name == "model");

        Assert.Equal("model-store", volume.PersistentVolumeClaim!.ClaimName);
        Assert.True(volume.PersistentVolumeClaim.ReadOnlyProperty);
        Assert.True(Sidecar(deployment).VolumeMounts!.Single(m => m.Name == "model").ReadOnlyProperty);
        Assert.Equal("/models/fraud/7/model.onnx", Env(Sidecar(deployment), SidecarContract.ModelPath));
        Assert.Null(pod.InitContainers);
    }

    [Fact]
    public void File_model_needs_no_volume()
    {
        var deployment = Build(s => s.Model.Uri = "file:///opt/models/m.onnx").StableDeployment;
        var pod = deployment.Spec!.Template!.Spec!;

        Assert.DoesNotContain(pod.Volumes!, v => v.Name == "model");
        Assert.Equal("/opt/models/m.onnx", Env(Sidecar(deployment), SidecarContract.ModelPath));
        Assert.Null(pod.InitContainers);
    }

    [Fact]
    public void Every_container_runs_restricted()
    {
        var pod = Build(s => s.Model.Uri = "https://models.example.com/m.onnx").StableDeployment.Spec!.Template!.Spec!;

        Assert.True(pod.SecurityContext!.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile!.Type);
        Assert.All(pod.Containers!.Concat(pod.InitContainers!), c =>
        {
            var sc = c.SecurityContext!;
            Assert.Equal((true, true, false), (sc.RunAsNonRoot, sc.ReadOnlyRootFilesystem, sc.AllowPrivilegeEscalation));
            Assert.Equal(["ALL"], sc.Capabilities!.Drop!);
            Assert.Equal("RuntimeDefault", sc.SeccompProfile!.Type);
        });
        Assert.Contains(pod.Volumes!, v => v.Name == "tmp" && v.EmptyDir is not null);
    }

    [Fact]
    public void Sidecar_gets_probes_port_scrape_annotations_and_defaults()
    {
        var deployment = Build();
        var sidecar = Sidecar(deployment.StableDeployment);

        Assert.Equal(ModelDeploymentDefaults.DefaultRuntimeImage, sidecar.Image);
        Assert.Equal("/v2/health/ready", sidecar.ReadinessProbe!.HttpGet!.Path);
        Assert.Equal("/v2/health/live", sidecar.LivenessProbe!.HttpGet!.Path);
        Assert.Equal(8080, Assert.Single(sidecar.Ports!).ContainerPort);
        Assert.Equal("500m", sidecar.Resources!.Requests!["cpu"]);
        Assert.Equal("8080", Env(sidecar, SidecarContract.Port));
        Assert.Equal("8", Env(sidecar, SidecarContract.MaxBatchSize));
        Assert.Equal("2ms", Env(sidecar, SidecarContract.MaxBatchDelay));
        var annotations = deployment.StableDeployment.Spec!.Template!.Metadata!.Annotations!;
        Assert.Equal(("true", "8080", "/metrics"), (annotations["prometheus.io/scrape"], annotations["prometheus.io/port"], annotations["prometheus.io/path"]));
    }

    [Fact]
    public void Accelerator_lands_in_requests_limits_selector_and_tolerations()
    {
        var deployment = Build(s => s.Accelerator = new AcceleratorSpec { Type = AcceleratorSpec.NvidiaGpu, Count = 2, Product = "NVIDIA-L4" }).StableDeployment;
        var pod = deployment.Spec!.Template!.Spec!;

        Assert.Equal("2", Sidecar(deployment).Resources!.Requests!["nvidia.com/gpu"].ToString());
        Assert.Equal("2", Sidecar(deployment).Resources!.Limits!["nvidia.com/gpu"].ToString());
        Assert.Equal("NVIDIA-L4", pod.NodeSelector!["nvidia.com/gpu.product"]);
        Assert.Equal("nvidia.com/gpu", Assert.Single(pod.Tolerations!).Key);
        Assert.Equal("0", deployment.Spec.Strategy!.RollingUpdate!.MaxSurge!.Value);
    }

    [Fact]
    public void Autoscaling_leaves_replicas_to_the_hpa_on_the_stable_deployment()
    {
        var desired = Build(s => s.Autoscaling = new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 10, TargetCPUUtilizationPercentage = 60 });

        Assert.Null(desired.StableDeployment.Spec!.Replicas);
        Assert.DoesNotContain("\"replicas\"", KubeJson.Serialize(desired.StableDeployment.Spec));
        var hpa = desired.HorizontalPodAutoscaler!;
        Assert.Equal(desired.StableDeployment.Metadata.Name, hpa.Spec!.ScaleTargetRef.Name);
        Assert.Equal((2, 10, 60), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas, hpa.Spec.Metrics![0].Resource!.Target.AverageUtilization));
    }

    [Fact]
    public void Without_autoscaling_or_ingress_there_is_no_hpa_or_ingress()
    {
        var desired = Build();

        Assert.Equal(2, desired.StableDeployment.Spec!.Replicas);
        Assert.Null(desired.HorizontalPodAutoscaler);
        Assert.Null(desired.Ingress);
        Assert.Equal(2, desired.Objects.Count());
        Assert.Equal("http://fraud-detector.risk.svc", desired.Url);
        Assert.Equal("serving.mloperator.io/model-deployment=fraud-detector", desired.Selector);
    }

    [Fact]
    public void Service_spans_all_revisions_on_the_sidecar_port()
    {
        var service = Build(s => s.Service = new ModelServiceSpec { Port = 9000 }).Service;
        var port = Assert.Single(service.Spec!.Ports!);

        Assert.Equal("fraud-detector", service.Metadata.Name);
        Assert.Equal(new Dictionary<string, string> { ["serving.mloperator.io/model-deployment"] = "fraud-detector" }, service.Spec.Selector);
        Assert.Equal((9000, "8080", "http"), (port.Port, port.TargetPort!.Value, port.Name));
    }

    [Fact]
    public void Ingress_routes_host_and_path_with_tls()
    {
        var desired = Build(s => s.Ingress = new ModelIngressSpec { Host = "fraud.example.com", ClassName = "nginx", TlsSecretName = "fraud-tls" });
        var ingress = desired.Ingress!;
        var path = ingress.Spec!.Rules![0].Http!.Paths.Single();

        Assert.Equal("nginx", ingress.Spec.IngressClassName);
        Assert.Equal(("fraud.example.com", "/", "Prefix"), (ingress.Spec.Rules[0].Host, path.Path, path.PathType));
        Assert.Equal(("fraud-detector", 80), (path.Backend.Service!.Name, path.Backend.Service.Port!.Number));
        Assert.Equal("fraud-tls", Assert.Single(ingress.Spec.Tls!).SecretName);
        Assert.Equal("https://fraud.example.com", desired.Url);
    }

    [Fact]
    public void Canary_seam_builds_one_deployment_per_revision_and_keeps_the_hpa_on_stable()
    {
        var md = ModelDeploymentFixtures.Valid(s => s.Autoscaling = new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 6 });
        var stable = new RevisionPlan(RevisionTemplate.From(ModelDeploymentFixtures.Valid(s => s.Model.Version = "6").Spec), RevisionRole.Stable, null);
        var canary = new RevisionPlan(RevisionTemplate.From(md.Spec), RevisionRole.Canary, 1);

        var desired = DesiredStateBuilder.Build(md, [stable, canary], Defaults);

        Assert.Equal(2, desired.Deployments.Count);
        Assert.Equal($"fraud-detector-{stable.Hash}", desired.HorizontalPodAutoscaler!.Spec!.ScaleTargetRef.Name);
        Assert.Equal("6", desired.StableDeployment.Metadata.Labels![ModelDeploymentLabels.Version]);
        Assert.Equal(1, desired.Deployments.Single(d => d.Metadata.Name!.EndsWith(canary.Hash, StringComparison.Ordinal)).Spec!.Replicas);
        Assert.Throws<ArgumentException>(() => DesiredStateBuilder.Build(md, [canary], Defaults));
    }

    [Fact]
    public void Builders_never_throw_on_a_spec_the_validator_rejected()
    {
        var md = ModelDeploymentFixtures.Valid(s =>
        {
            s.Model.Uri = "s3://nope";
            s.Autoscaling = new AutoscalingSpec { MinReplicas = 5, MaxReplicas = 1 };
            s.Accelerator = new AcceleratorSpec { Type = "nvidia.com/gpu", Count = 0 };
        });

        var desired = DesiredStateBuilder.Build(md, ObservedState.Empty, Defaults);

        Assert.Equal(5, desired.HorizontalPodAutoscaler!.Spec!.MaxReplicas);
    }
}
