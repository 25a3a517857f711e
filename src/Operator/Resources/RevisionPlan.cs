namespace MlOperator.Operator.Resources;

/// <summary>
/// One revision the desired state must contain, with its replica count (null: left to the HPA). This is the
/// seam for canaries: today <see cref="DesiredStateBuilder"/> plans one stable revision from the spec; the
/// rollout planner will hand in a stable and a canary revision with their own templates and counts.
/// </summary>
public sealed record RevisionPlan(RevisionTemplate Template, RevisionRole Role, int? Replicas)
{
    public string Hash { get; } = Template.Hash();
}
