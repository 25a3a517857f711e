using k8s.Models;
using MlOperator.Operator.Api.V1Alpha1;

namespace MlOperator.Operator.Resources;

/// <summary>The autoscaling/v2 HPA {name} on the stable Deployment's CPU utilisation, when spec.autoscaling is set.</summary>
public static class HpaBuilder
{
    public static V2HorizontalPodAutoscaler? Build(ModelDeployment md, string stableDeploymentName, ModelDeploymentDefaults defaults)
    {
        var autoscaling = md.Spec.Autoscaling;
        if (autoscaling is null)
        {
            return null;
        }

        var min = autoscaling.MinReplicas ?? defaults.MinReplicas;
        return new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta
            {
                Name = ModelDeploymentNames.HorizontalPodAutoscaler(md),
                NamespaceProperty = md.Metadata.NamespaceProperty,
                Labels = ModelDeploymentLabels.Common(md),
                OwnerReferences = [ControllerReference.For(md)],
            },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = stableDeploymentName },
                MinReplicas = min,
                // The validator rejects max < min; never hand the API server an HPA it would refuse.
                MaxReplicas = Math.Max(autoscaling.MaxReplicas, min),
                Metrics =
                [
                    new V2MetricSpec
                    {
                        Type = "Resource",
                        Resource = new V2ResourceMetricSource
                        {
                            Name = "cpu",
                            Target = new V2MetricTarget
                            {
                                Type = "Utilization",
                                AverageUtilization = autoscaling.TargetCPUUtilizationPercentage ?? defaults.TargetCpuUtilizationPercentage,
                            },
                        },
                    },
                ],
            },
        };
    }
}
