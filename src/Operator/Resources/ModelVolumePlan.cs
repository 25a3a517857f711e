using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>
/// Where the model comes from, as pod parts: pvc:// mounts the claim read-only; file:// is a path inside the
/// image (nothing to mount); every other scheme (http(s), s3, gs, az, hf) is downloaded into an emptyDir by an init
/// container that runs the sidecar image's own <c>fetch</c> subcommand, which checks sha256 while streaming and
/// renames into place only a complete, verified file, so a bad file never reaches the server.
/// </summary>
public sealed record ModelVolumePlan(string ModelPath, V1Volume? Volume, V1Container? InitContainer)
{
    public const string VolumeName = "model";
    public const string InitContainerName = "model-fetch";

    /// <summary>The image's entrypoint is the sidecar; this argument switches it to the downloader.</summary>
    public const string FetchSubcommand = "fetch";

    /// <summary>
    /// The pod parts for <paramref name="model"/>; <paramref name="runtimeImage"/> is the ModelDeployment's resolved
    /// runtime image, which also downloads unless <paramref name="defaults"/> names another downloader image.
    /// </summary>
    public static ModelVolumePlan For(ModelSpec model, string runtimeImage, ModelDeploymentDefaults defaults)
    {
        if (!ModelUri.TryParse(model.Uri, out var uri, out _))
        {
            // The validator stops invalid URIs before any builder runs; this keeps the builder total anyway.
            return new ModelVolumePlan(model.Uri, null, null);
        }

        if (uri.Kind == ModelUriKind.Pvc)
        {
            return new ModelVolumePlan(
                $"{SidecarContract.ModelMountPath}/{uri.Path}",
                new V1Volume { Name = VolumeName, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = uri.ClaimName!, ReadOnlyProperty = true } },
                null);
        }

        if (!uri.IsFetched)
        {
            return new ModelVolumePlan(uri.Path, null, null);
        }

        // The URL and checksum travel as environment variables, never as arguments spliced into a command line.
        var env = new List<V1EnvVar>
        {
            new() { Name = SidecarContract.ModelUrl, Value = uri.Url },
            new() { Name = SidecarContract.ModelPath, Value = SidecarContract.DownloadedModelFile },
        };
        if (!string.IsNullOrEmpty(model.Sha256))
        {
            env.Add(new V1EnvVar { Name = SidecarContract.ModelSha256, Value = model.Sha256.ToLowerInvariant() });
        }

        return new ModelVolumePlan(
            SidecarContract.DownloadedModelFile,
            new V1Volume { Name = VolumeName, EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = defaults.ModelCacheSizeLimit } },
            new V1Container
            {
                Name = InitContainerName,
                Image = string.IsNullOrEmpty(defaults.ModelDownloaderImage) ? runtimeImage : defaults.ModelDownloaderImage,
                Args = [FetchSubcommand],
                Env = env,
                // Only this container sees the credentials: the serving container never needs them.
                EnvFrom = string.IsNullOrEmpty(model.CredentialsSecret)
                    ? null
                    : [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = model.CredentialsSecret } }],
                // The download streams through a fixed buffer, so memory does not grow with the model's size.
                Resources = new V1ResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") },
                },
                SecurityContext = DeploymentBuilder.RestrictedContainer(),
                VolumeMounts =
                [
                    new V1VolumeMount { Name = VolumeName, MountPath = SidecarContract.ModelMountPath },
                    new V1VolumeMount { Name = "tmp", MountPath = SidecarContract.TmpMountPath },
                ],
            });
    }
}
