using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Resources;

/// <summary>
/// Where the model comes from, as pod parts: pvc:// mounts the claim read-only; file:// is a path inside the
/// image (nothing to mount); http(s):// downloads into an emptyDir in an init container that checks sha256
/// there, so a bad file never reaches the sidecar.
/// </summary>
public sealed record ModelVolumePlan(string ModelPath, Volume? Volume, Container? InitContainer)
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
                    new Volume { Name = VolumeName, PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = uri.ClaimName!, ReadOnly = true } },
                    null);
            case ModelUriKind.Http:
                var env = new List<EnvVar>
                {
                    new() { Name = SidecarContract.ModelUrl, Value = uri.Url },
                    new() { Name = SidecarContract.ModelPath, Value = SidecarContract.DownloadedModelFile },
                };
                if (!string.IsNullOrEmpty(model.Sha256))
                {
                    env.Add(new EnvVar { Name = SidecarContract.ModelSha256, Value = model.Sha256.ToLowerInvariant() });
                }

                return new ModelVolumePlan(
                    SidecarContract.DownloadedModelFile,
                    new Volume { Name = VolumeName, EmptyDir = new EmptyDirVolumeSource { SizeLimit = defaults.ModelCacheSizeLimit } },
                    new Container
                    {
                        Name = "model-download",
                        Image = defaults.ModelDownloaderImage,
                        Command = ["sh", "-c", DownloadScript],
                        Env = env,
                        Resources = new ResourceRequirements
                        {
                            Requests = new Dictionary<string, string> { ["cpu"] = "100m", ["memory"] = "64Mi" },
                            Limits = new Dictionary<string, string> { ["memory"] = "256Mi" },
                        },
                        SecurityContext = DeploymentBuilder.RestrictedContainer(),
                        VolumeMounts =
                        [
                            new VolumeMount { Name = VolumeName, MountPath = SidecarContract.ModelMountPath },
                            new VolumeMount { Name = "tmp", MountPath = SidecarContract.TmpMountPath },
                        ],
                    });
            default:
                return new ModelVolumePlan(uri.Path, null, null);
        }
    }
}
