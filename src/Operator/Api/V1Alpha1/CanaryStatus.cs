namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>State of the canary rollout, kept in status so a restarted operator resumes where it stopped.</summary>
public sealed class CanaryStatus
{
    /// <summary>Model version of the canary revision.</summary>
    public string? Version { get; set; }

    /// <summary>Revision hash of the canary revision.</summary>
    public string? Revision { get; set; }

    /// <summary>Percent of traffic on the canary.</summary>
    public int? Weight { get; set; }

    /// <summary>Index of the current step in spec.rollout.steps.</summary>
    public int? Step { get; set; }

    /// <summary>Failed analysis checks so far in this rollout.</summary>
    public int? AnalysisFailures { get; set; }

    /// <summary>When the current step started; while the canary's pods come up, when the canary revision was first created (the progress deadline counts from it).</summary>
    public DateTimeOffset? StepStartedAt { get; set; }
}
