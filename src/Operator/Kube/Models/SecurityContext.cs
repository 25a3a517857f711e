namespace MlOperator.Operator.Kube.Models;

public sealed class SecurityContext
{
    public bool? RunAsNonRoot { get; set; }
    public long? RunAsUser { get; set; }
    public long? RunAsGroup { get; set; }
    public bool? ReadOnlyRootFilesystem { get; set; }
    public bool? AllowPrivilegeEscalation { get; set; }
    public bool? Privileged { get; set; }
    public Capabilities? Capabilities { get; set; }
    public SeccompProfile? SeccompProfile { get; set; }
}
