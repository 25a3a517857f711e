namespace MlOperator.Operator.Kube.Models;

public sealed class PodSpec
{
    public List<Container>? InitContainers { get; set; }
    public List<Container>? Containers { get; set; }
    public List<Volume>? Volumes { get; set; }
    public Dictionary<string, string>? NodeSelector { get; set; }
    public List<Toleration>? Tolerations { get; set; }
    public PodSecurityContext? SecurityContext { get; set; }
    public string? ServiceAccountName { get; set; }
    public bool? AutomountServiceAccountToken { get; set; }
    public long? TerminationGracePeriodSeconds { get; set; }
    public long? ActiveDeadlineSeconds { get; set; }
    public string? PriorityClassName { get; set; }
    public string? RestartPolicy { get; set; }
    public string? NodeName { get; set; }
}
