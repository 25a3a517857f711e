using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>
/// The Service {name}: with ReplicaRatio routing it selects the pods of every revision, so the replica counts carry
/// the canary weight; with NginxIngress routing <see cref="DesiredStateBuilder"/> pins it to the stable revision.
/// </summary>
public static class ServiceBuilder
{
    public static V1Service Build(ModelDeployment md, ModelDeploymentDefaults defaults) =>
        Build(md, ModelDeploymentNames.Service(md), ModelDeploymentLabels.Selector(md), defaults);

    /// <summary>A Service over some pods only ({name} pinned to the stable revision, {name}-canary for the NginxIngress router).</summary>
    public static V1Service Build(ModelDeployment md, string name, Dictionary<string, string> selector, ModelDeploymentDefaults defaults) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = md.Metadata.NamespaceProperty,
            Labels = ModelDeploymentLabels.Common(md),
            OwnerReferences = [ControllerReference.For(md)],
        },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = selector,
            Ports =
            [
                new V1ServicePort
                {
                    Name = SidecarContract.PortName,
                    Port = Port(md, defaults),
                    TargetPort = ModelDeploymentDefaults.SidecarPort,
                    Protocol = "TCP",
                    AppProtocol = "http",
                },
            ],
        },
    };

    public static int Port(ModelDeployment md, ModelDeploymentDefaults defaults) => md.Spec.Service?.Port ?? defaults.ServicePort;
}
