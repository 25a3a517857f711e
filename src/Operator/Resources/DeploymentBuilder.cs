using System.Globalization;
using k8s.Models;
using MlOperator.Operator.Accelerators;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>
/// One revision's Deployment: the inference sidecar with its probes, resources, accelerator placement,
/// restricted security, Prometheus annotations and model volume. Pure: same input, same object.
/// </summary>
public static class DeploymentBuilder
{
    public static V1Deployment Build(ModelDeployment md, RevisionPlan revision, ModelDeploymentDefaults defaults)
    {
        var template = revision.Template;
        var placement = AcceleratorMapper.Map(template.Accelerator);
        var labels = ModelDeploymentLabels.ForRevision(md, revision);
        var image = string.IsNullOrEmpty(template.Runtime?.Image) ? defaults.RuntimeImage : template.Runtime.Image;
        var model = ModelVolumePlan.For(template.Model, image, defaults);

        var volumes = new List<V1Volume>();
        if (model.Volume is not null)
        {
            volumes.Add(model.Volume);
        }

        volumes.Add(new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = "1Gi" } });

        var mounts = new List<V1VolumeMount>();
        if (model.Volume is not null)
        {
            mounts.Add(new V1VolumeMount { Name = model.Volume.Name, MountPath = SidecarContract.ModelMountPath, ReadOnlyProperty = true });
        }

        mounts.Add(new V1VolumeMount { Name = "tmp", MountPath = SidecarContract.TmpMountPath });

        var sidecar = new V1Container
        {
            Name = SidecarContract.ContainerName,
            Image = image,
            Env = SidecarEnv(template, model.ModelPath, defaults),
            Ports = [new V1ContainerPort { Name = SidecarContract.PortName, ContainerPort = ModelDeploymentDefaults.SidecarPort, Protocol = "TCP" }],
            Resources = Resources(template.Runtime?.Resources, placement, defaults),
            StartupProbe = Probe(SidecarContract.LivenessPath, periodSeconds: 5, failureThreshold: 60),
            ReadinessProbe = Probe(SidecarContract.ReadinessPath, periodSeconds: 5, failureThreshold: 3),
            LivenessProbe = Probe(SidecarContract.LivenessPath, periodSeconds: 10, failureThreshold: 3),
            SecurityContext = RestrictedContainer(),
            VolumeMounts = mounts,
        };

        var podSpec = new V1PodSpec
        {
            InitContainers = model.InitContainer is null ? null : [model.InitContainer],
            Containers = [sidecar],
            Volumes = volumes,
            ServiceAccountName = string.IsNullOrEmpty(md.Spec.ServiceAccountName) ? null : md.Spec.ServiceAccountName,
            NodeSelector = placement.NodeSelector.Count == 0 ? null : new Dictionary<string, string>(placement.NodeSelector),
            Tolerations = placement.Tolerations.Count == 0 ? null : [.. placement.Tolerations],
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = defaults.RunAsUser,
                RunAsGroup = defaults.RunAsUser,
                FsGroup = defaults.RunAsUser,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            // The sidecar never calls the API server. Workload identity needs no token here: the EKS and Azure
            // webhooks project their own audience-bound token, GKE answers on the metadata server.
            AutomountServiceAccountToken = false,
            // The sidecar drains for its shutdown delay (5 s) after SIGTERM, then gives requests in flight 20 s.
            TerminationGracePeriodSeconds = 30,
        };

        return new V1Deployment
        {
            Metadata = new V1ObjectMeta
            {
                Name = ModelDeploymentNames.Deployment(md, revision.Hash),
                NamespaceProperty = md.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = new Dictionary<string, string> { [ModelDeploymentLabels.TemplateAnnotation] = template.ToAnnotation() },
                OwnerReferences = [ControllerReference.For(md)],
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = revision.Replicas,
                Selector = new V1LabelSelector { MatchLabels = ModelDeploymentLabels.RevisionSelector(md, revision) },
                Strategy = Strategy(placement),
                RevisionHistoryLimit = 2,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = new Dictionary<string, string>(labels),
                        Annotations = new Dictionary<string, string>
                        {
                            ["prometheus.io/scrape"] = "true",
                            ["prometheus.io/port"] = ModelDeploymentDefaults.SidecarPort.ToString(CultureInfo.InvariantCulture),
                            ["prometheus.io/path"] = SidecarContract.MetricsPath,
                        },
                    },
                    Spec = podSpec,
                },
            },
        };
    }

    /// <summary>
    /// A revision's template changes in place only when operator defaults change. Accelerator pods roll one at
    /// a time without a surge pod, because a surge pod needs a GPU that the quota or the node pool may not have.
    /// </summary>
    private static V1DeploymentStrategy Strategy(AcceleratorPlacement placement) => new()
    {
        Type = "RollingUpdate",
        RollingUpdate = placement.IsNone
            ? new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 }
            : new V1RollingUpdateDeployment { MaxSurge = 0, MaxUnavailable = 1 },
    };

    private static List<V1EnvVar> SidecarEnv(RevisionTemplate template, string modelPath, ModelDeploymentDefaults defaults)
    {
        var batching = template.Runtime?.Batching;
        var delay = batching?.MaxDelay is { } d && DurationValue.TryParse(d, out var parsed) ? DurationValue.Format(parsed) : defaults.MaxBatchDelay;
        var env = new List<V1EnvVar>
        {
            new() { Name = SidecarContract.ModelPath, Value = modelPath },
            new() { Name = SidecarContract.ModelName, Value = template.Model.Name },
            new() { Name = SidecarContract.ModelVersion, Value = template.Model.Version },
        };
        if (!string.IsNullOrEmpty(template.Model.Sha256))
        {
            env.Add(new V1EnvVar { Name = SidecarContract.ModelSha256, Value = template.Model.Sha256.ToLowerInvariant() });
        }

        env.Add(new V1EnvVar { Name = SidecarContract.Port, Value = ModelDeploymentDefaults.SidecarPort.ToString(CultureInfo.InvariantCulture) });
        env.Add(new V1EnvVar { Name = SidecarContract.MaxBatchSize, Value = (batching?.MaxBatchSize ?? defaults.MaxBatchSize).ToString(CultureInfo.InvariantCulture) });
        env.Add(new V1EnvVar { Name = SidecarContract.MaxBatchDelay, Value = delay });
        if (SidecarContract.ExecutionProvidersFor(template.Accelerator?.Type) is { } providers && template.Accelerator?.Count is null or > 0)
        {
            env.Add(new V1EnvVar { Name = SidecarContract.ExecutionProviders, Value = providers });
        }
        return env;
    }

    /// <summary>
    /// The user's resources replace the defaults as a whole (mixing a user's memory request with a default
    /// memory limit could make the limit smaller than the request); the accelerator is added to both maps.
    /// </summary>
    private static V1ResourceRequirements Resources(V1ResourceRequirements? user, AcceleratorPlacement placement, ModelDeploymentDefaults defaults)
    {
        var custom = user is { Requests.Count: > 0 } or { Limits.Count: > 0 };
        var requests = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var limits = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in custom ? ResourceQuantities.Texts(user!.Requests) : defaults.Requests)
        {
            requests[k] = v;
        }

        foreach (var (k, v) in custom ? ResourceQuantities.Texts(user!.Limits) : defaults.Limits)
        {
            limits[k] = v;
        }

        foreach (var (k, v) in placement.Resources)
        {
            requests[k] = v;
            limits[k] = v;
        }

        return new V1ResourceRequirements
        {
            Requests = requests.Count == 0 ? null : ResourceQuantities.Map(requests),
            Limits = limits.Count == 0 ? null : ResourceQuantities.Map(limits),
        };
    }

    private static V1Probe Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = SidecarContract.PortName, Scheme = "HTTP" },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 2,
        FailureThreshold = failureThreshold,
    };

    internal static V1SecurityContext RestrictedContainer() => new()
    {
        RunAsNonRoot = true,
        ReadOnlyRootFilesystem = true,
        AllowPrivilegeEscalation = false,
        Privileged = false,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };
}
