using MlOperator.Operator.Api.V1Alpha1;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Resources;

/// <summary>The autoscaling/v2 HPA {name} on the stable Deployment's CPU utilisation, when spec.autoscaling is set.</summary>
public static class HpaBuilder
{
    public static HorizontalPodAutoscaler? Build(ModelDeployment md, string stableDeploymentName, ModelDeploymentDefaults defaults)
    {
        var autoscaling = md.Spec.Autoscaling;
        if (autoscaling is null)
        {
            return null;
        }

        var min = autoscaling.MinReplicas ?? defaults.MinReplicas;
        return new HorizontalPodAutoscaler
        {
            Metadata = new ObjectMeta
            {
                Name = ModelDeploymentNames.HorizontalPodAutoscaler(md),
                Namespace = md.Metadata.Namespace,
                Labels = ModelDeploymentLabels.Common(md),
                OwnerReferences = [ControllerReference.For(md)],
            },
            Spec = new HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = stableDeploymentName },
                MinReplicas = min,
                // The validator rejects max < min; never hand the API server an HPA it would refuse.
                MaxReplicas = Math.Max(autoscaling.MaxReplicas, min),
                Metrics =
                [
                    new MetricSpec
                    {
                        Type = "Resource",
                        Resource = new ResourceMetricSource
                        {
                            Name = "cpu",
                            Target = new MetricTarget
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
