using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>
/// Where the model comes from, as pod parts: pvc:// mounts the claim read-only; file:// is a path inside the
/// image (nothing to mount); http(s):// downloads into an emptyDir in an init container that checks sha256
/// there, so a bad file never reaches the sidecar.
/// </summary>
public sealed record ModelVolumePlan(string ModelPath, V1Volume? Volume, V1Container? InitContainer)
{
    public const string VolumeName = "model";

    /// <summary>
    /// The URL and checksum reach the shell as environment variables, never spliced into the script, so no
    /// value a user writes can inject a command.
    /// </summary>
    public const string DownloadScript =
        "set -eu; " +
        "curl -fsSL --retry 3 --retry-delay 2 -o \"$MLOP_MODEL_PATH.part\" \"$MLOP_MODEL_URL\"; " +
        "if [ -n \"${MLOP_MODEL_SHA256:-}\" ]; then echo \"$MLOP_MODEL_SHA256  $MLOP_MODEL_PATH.part\" | sha256sum -c -; fi; " +
        "mv \"$MLOP_MODEL_PATH.part\" \"$MLOP_MODEL_PATH\"";

    public static ModelVolumePlan For(ModelSpec model, ModelDeploymentDefaults defaults)
    {
        if (!ModelUri.TryParse(model.Uri, out var uri, out _))
        {
            // The validator stops invalid URIs before any builder runs; this keeps the builder total anyway.
            return new ModelVolumePlan(model.Uri, null, null);
        }

        switch (uri.Kind)
        {
            case ModelUriKind.Pvc:
                return new ModelVolumePlan(
                    $"{SidecarContract.ModelMountPath}/{uri.Path}",
                    new V1Volume { Name = VolumeName, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = uri.ClaimName!, ReadOnlyProperty = true } },
                    null);
            case ModelUriKind.Http:
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
                        Name = "model-download",
                        Image = defaults.ModelDownloaderImage,
                        Command = ["sh", "-c", DownloadScript],
                        Env = env,
                        Resources = new V1ResourceRequirements
                        {
                            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("64Mi") },
                            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("256Mi") },
                        },
                        SecurityContext = DeploymentBuilder.RestrictedContainer(),
                        VolumeMounts =
                        [
                            new V1VolumeMount { Name = VolumeName, MountPath = SidecarContract.ModelMountPath },
                            new V1VolumeMount { Name = "tmp", MountPath = SidecarContract.TmpMountPath },
                        ],
                    });
            default:
                return new ModelVolumePlan(uri.Path, null, null);
        }
    }
}
