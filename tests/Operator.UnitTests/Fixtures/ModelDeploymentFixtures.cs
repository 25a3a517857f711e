using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Fixtures;

/// <summary>ModelDeployments for tests: one valid baseline that each test bends in one place.</summary>
public static class ModelDeploymentFixtures
{
    public const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static ModelDeployment Valid(Action<ModelDeploymentSpec>? change = null)
    {
        var md = new ModelDeployment
        {
            Metadata = new V1ObjectMeta { Name = "fraud-detector", NamespaceProperty = "risk", Uid = "6f1c1f4e-0000-4000-8000-000000000001", Generation = 1 },
            Spec = new ModelDeploymentSpec
            {
                Model = new ModelSpec { Name = "fraud-detector", Version = "7", Uri = "pvc://model-store/fraud/7/model.onnx", Sha256 = Sha },
                Replicas = 2,
            },
        };
        change?.Invoke(md.Spec);
        return md;
    }

    public static ModelDeployment FromYaml(string yaml) => KubeYaml.Deserialize<ModelDeployment>(yaml);
}
