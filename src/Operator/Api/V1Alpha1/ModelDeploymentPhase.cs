namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>Values of status.phase.</summary>
public static class ModelDeploymentPhase
{
    public const string Pending = "Pending";
    public const string Progressing = "Progressing";
    public const string Ready = "Ready";
    public const string Degraded = "Degraded";
    public const string RollingBack = "RollingBack";
    public const string Failed = "Failed";

    /// <summary>Every phase, in lifecycle order (the rollout phase gauge reports each).</summary>
    public static IReadOnlyList<string> All { get; } = [Pending, Progressing, Ready, Degraded, RollingBack, Failed];
}
