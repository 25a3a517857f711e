using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Resources;
using MlOperator.Operator.UnitTests.Fixtures;

namespace MlOperator.Operator.UnitTests.Resources;

/// <summary>Where the model comes from, seen in the pod the builder produces.</summary>
public class ModelVolumePlanTests
{
    private const string RuntimeImage = "registry.local/inference-sidecar:9";

    private static V1PodSpec Pod(Action<ModelDeploymentSpec> change, ModelDeploymentDefaults? defaults = null) =>
        DesiredStateBuilder.Build(ModelDeploymentFixtures.Valid(change), ObservedState.Empty, defaults ?? ModelDeploymentDefaults.Default)
            .StableDeployment.Spec!.Template!.Spec!;

    private static string? Env(V1Container c, string name) => c.Env!.SingleOrDefault(e => e.Name == name)?.Value;

    public static TheoryData<string> FetchedUris => new()
    {
        "https://models.example.com/m.onnx",
        "http://models.internal:8080/fraud/7/model.onnx",
        "s3://model-store/fraud/7/model.onnx",
        "gs://model_store/fraud/7/model.onnx",
        "az://models/fraud/7/model.onnx",
        "https://account1.blob.core.windows.net/models/fraud/7/model.onnx",
        "hf://acme/fraud-detector/onnx/model.onnx@v7",
        "hf://acme/fraud-detector/model.onnx",
    };

    [Theory]
    [MemberData(nameof(FetchedUris))]
    public void Fetched_model_is_downloaded_by_the_sidecar_image_fetch_init_container(string uri)
    {
        var pod = Pod(s => { s.Model.Uri = uri; s.Runtime = new RuntimeSpec { Image = RuntimeImage }; });
        var init = Assert.Single(pod.InitContainers!);
        var sidecar = pod.Containers!.Single();

        Assert.Equal(ModelVolumePlan.InitContainerName, init.Name);
        Assert.Equal(RuntimeImage, init.Image);
        Assert.Equal(sidecar.Image, init.Image);
        Assert.Null(init.Command);
        Assert.Equal(["fetch"], init.Args!);
        Assert.Equal(uri, Env(init, SidecarContract.ModelUrl));
        Assert.Equal(SidecarContract.DownloadedModelFile, Env(init, SidecarContract.ModelPath));
        Assert.Equal(ModelDeploymentFixtures.Sha, Env(init, SidecarContract.ModelSha256));
        Assert.Equal(SidecarContract.DownloadedModelFile, Env(sidecar, SidecarContract.ModelPath));
        Assert.NotNull(pod.Volumes!.Single(v => v.Name == ModelVolumePlan.VolumeName).EmptyDir);
        Assert.Contains(init.VolumeMounts!, m => m.Name == ModelVolumePlan.VolumeName && m.MountPath == SidecarContract.ModelMountPath && m.ReadOnlyProperty != true);
        Assert.True(sidecar.VolumeMounts!.Single(m => m.Name == ModelVolumePlan.VolumeName).ReadOnlyProperty);
    }

    [Fact]
    public void Fetch_init_container_runs_restricted_with_modest_resources()
    {
        var pod = Pod(s => s.Model.Uri = "s3://model-store/m.onnx");
        var init = pod.InitContainers!.Single();

        Assert.Equal(
            KubeJsonOf(pod.Containers!.Single().SecurityContext!),
            KubeJsonOf(init.SecurityContext!));
        Assert.Equal("100m", init.Resources!.Requests!["cpu"].ToString());
        Assert.Equal("128Mi", init.Resources.Requests["memory"].ToString());
        Assert.Equal("512Mi", init.Resources.Limits!["memory"].ToString());
        Assert.False(init.Resources.Limits.ContainsKey("cpu"));
    }

    [Fact]
    public void Without_an_operator_override_the_downloader_is_the_default_sidecar_image()
    {
        var init = Pod(s => s.Model.Uri = "az://models/m.onnx").InitContainers!.Single();

        Assert.Equal(ModelDeploymentDefaults.DefaultRuntimeImage, init.Image);
    }

    [Fact]
    public void Operator_downloader_image_overrides_the_runtime_image_for_the_init_container_only()
    {
        var defaults = ModelDeploymentDefaults.Default with { ModelDownloaderImage = "registry.local/fetch:1" };
        var pod = Pod(s => { s.Model.Uri = "gs://models/m.onnx"; s.Runtime = new RuntimeSpec { Image = RuntimeImage }; }, defaults);

        Assert.Equal("registry.local/fetch:1", pod.InitContainers!.Single().Image);
        Assert.Equal(RuntimeImage, pod.Containers!.Single().Image);
    }

    [Fact]
    public void Credentials_secret_reaches_the_init_container_only_through_env_from()
    {
        var pod = Pod(s => { s.Model.Uri = "s3://model-store/m.onnx"; s.Model.CredentialsSecret = "model-store-creds"; });
        var init = pod.InitContainers!.Single();
        var sidecar = pod.Containers!.Single();

        var source = Assert.Single(init.EnvFrom!);
        Assert.Equal("model-store-creds", source.SecretRef!.Name);
        Assert.Null(source.ConfigMapRef);
        Assert.Null(sidecar.EnvFrom);
        Assert.DoesNotContain(sidecar.Env!, e => e.ValueFrom?.SecretKeyRef is not null);
        Assert.DoesNotContain(pod.Volumes!, v => v.Secret is not null);
    }

    [Fact]
    public void Without_credentials_secret_the_init_container_has_no_env_from()
    {
        Assert.Null(Pod(s => s.Model.Uri = "hf://acme/m/model.onnx").InitContainers!.Single().EnvFrom);
    }

    [Theory]
    [InlineData("pvc://model-store/fraud/7/model.onnx")]
    [InlineData("file:///opt/models/m.onnx")]
    public void Mounted_or_baked_in_model_has_no_init_container_even_with_a_credentials_secret(string uri)
    {
        var pod = Pod(s => { s.Model.Uri = uri; s.Model.CredentialsSecret = "model-store-creds"; });

        Assert.Null(pod.InitContainers);
        Assert.Null(pod.Containers!.Single().EnvFrom);
    }

    [Fact]
    public void Service_account_name_is_set_on_the_pod()
    {
        var pod = Pod(s => { s.Model.Uri = "s3://model-store/m.onnx"; s.ServiceAccountName = "model-reader"; });

        Assert.Equal("model-reader", pod.ServiceAccountName);
    }

    [Fact]
    public void Without_service_account_name_the_pod_leaves_it_to_the_namespace_default()
    {
        Assert.Null(Pod(_ => { }).ServiceAccountName);
    }

    [Fact]
    public void Service_account_name_does_not_change_the_revision()
    {
        var before = RevisionTemplate.From(ModelDeploymentFixtures.Valid().Spec).Hash();
        var after = RevisionTemplate.From(ModelDeploymentFixtures.Valid(s => s.ServiceAccountName = "model-reader").Spec).Hash();

        Assert.Equal(before, after);
    }

    [Fact]
    public void Credentials_secret_changes_the_revision()
    {
        var before = RevisionTemplate.From(ModelDeploymentFixtures.Valid().Spec).Hash();
        var after = RevisionTemplate.From(ModelDeploymentFixtures.Valid(s => s.Model.CredentialsSecret = "model-store-creds").Spec).Hash();

        Assert.NotEqual(before, after);
    }

    private static string KubeJsonOf(object value) =>
        System.Text.Json.JsonSerializer.Serialize(value, MlOperator.Operator.Kube.Models.KubeJson.Options);
}
