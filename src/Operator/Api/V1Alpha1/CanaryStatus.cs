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

    /// <summary>Number of steps in spec.rollout.steps (for "step n/m").</summary>
    public int? Steps { get; set; }

    /// <summary>When the next analysis check is due.</summary>
    public DateTimeOffset? NextAnalysisAt { get; set; }

    /// <summary>Since when the canary has been unready or its checks inconclusive without a pass; bounded by spec.rollout.progressDeadline.</summary>
    public DateTimeOffset? InconclusiveSince { get; set; }

    /// <summary>Whether the latest check of the current step passed (a step ends only on a pass).</summary>
    public bool? StepPassed { get; set; }

    /// <summary>The latest analysis check: outcome, then the measured values or why it could not judge.</summary>
    public string? LastAnalysis { get; set; }

    /// <summary>All steps passed (or a promote was requested): the canary is being scaled to the stable's size before it takes over.</summary>
    public bool? Promoting { get; set; }

    /// <summary>
    /// The stable's replicas while the canary runs without surge: the namespace quota has no room for canary pods next
    /// to the stable's, so the stable gave up as many pods as the canary runs (never below one).
    /// </summary>
    public int? StableReplicas { get; set; }

    /// <summary>The pods' counters at the last analysis scrape (the start of the next window).</summary>
    public AnalysisBaselineStatus? Baseline { get; set; }

    /// <summary>Held at the current step by the serving.mloperator.io/pause annotation.</summary>
    public bool? Paused { get; set; }
}
