using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Fixtures;

/// <summary>The shipped config/samples, loaded as kubectl would send them (namespace and uid filled in as the API server would).</summary>
public static class Samples
{
    public static IReadOnlyList<string> ModelDeploymentNames { get; } = ["cpu-model", "gpu-model", "tpu-model", "ingress-hpa-model", "s3-model"];

    public static string PathOf(string name) => Path.Combine(RepoPaths.Root, "config", "samples", name + ".yaml");

    public static ModelDeployment Load(string name)
    {
        var md = ModelDeploymentFixtures.FromYaml(File.ReadAllText(PathOf(name)));
        md.Metadata.NamespaceProperty ??= "default";
        md.Metadata.Uid ??= "uid-" + name;
        md.Metadata.Generation ??= 1;
        return md;
    }

    public static V1ResourceQuota LoadQuota(string name) =>
        KubeYaml.Deserialize<V1ResourceQuota>(File.ReadAllText(PathOf(name)));
}
