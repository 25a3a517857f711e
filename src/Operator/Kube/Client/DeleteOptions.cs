namespace MlOperator.Operator.Kube.Client;

public enum PropagationPolicy
{
    Background,
    Foreground,
    Orphan,
}

public sealed record DeleteOptions
{
    public PropagationPolicy? PropagationPolicy { get; init; }
    /// <summary>Precondition: delete only if the object still has this uid.</summary>
    public string? PreconditionUid { get; init; }
    /// <summary>Precondition: delete only if the object still has this resourceVersion.</summary>
    public string? PreconditionResourceVersion { get; init; }
    public long? GracePeriodSeconds { get; init; }
}
