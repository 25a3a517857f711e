namespace MlOperator.Operator.Kube.Models;

public sealed class DeploymentSpec
{
    /// <summary>Null leaves the field unowned so that an HPA can own it under server-side apply.</summary>
    public int? Replicas { get; set; }
    public LabelSelector? Selector { get; set; }
    public PodTemplateSpec? Template { get; set; }
    public DeploymentStrategy? Strategy { get; set; }
    public int? RevisionHistoryLimit { get; set; }
    public int? ProgressDeadlineSeconds { get; set; }
    public int? MinReadySeconds { get; set; }
}
