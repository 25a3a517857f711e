using MlOperator.Operator.Resources;

namespace MlOperator.Operator.Rollout;

/// <summary>
/// Which revisions this pass keeps: the stable one, and the incoming one while it comes up beside it.
/// <see cref="Promoted"/> is true on the pass where the incoming revision replaced a live stable one.
/// Every owned Deployment not among <see cref="Plans"/> is deleted.
/// <see cref="IncomingSince"/> is when the incoming revision started coming up (kept in status.canary.stepStartedAt),
/// <see cref="RecheckAfter"/> the time left until its progress deadline, and <see cref="Failed"/> set when the
/// spec's revision missed that deadline and is kept down.
/// </summary>
public sealed record RevisionDecision(RevisionPlan Stable, RevisionPlan? Incoming, bool Promoted)
{
    public IReadOnlyList<RevisionPlan> Plans => Incoming is null ? [Stable, .. Retiring] : [Stable, Incoming, .. Retiring];

    /// <summary>Revisions on their way out, scaled to zero this pass (deleted once their pods are gone).</summary>
    public IReadOnlyList<RevisionPlan> Retiring { get; init; } = [];

    /// <summary>status.canary for a weighted canary (null: derived from the incoming revision as before).</summary>
    public Api.V1Alpha1.CanaryStatus? Canary { get; init; }

    /// <summary>A canary rolled back on this pass (analysis, deadline or abort), with the message for status and the Event.</summary>
    public RolloutFailure? RolledBack { get; init; }

    /// <summary>A canary held past its progress deadline (progressDeadlineAction: Pause): Stalled=True with this message.</summary>
    public string? Held { get; init; }

    /// <summary>One line on the canary's progress for the Progressing condition.</summary>
    public string? CanaryMessage { get; init; }

    /// <summary>The new stable needs its replica count handed over to the HPA before the apply that drops it (see the reconciler).</summary>
    public int? HandOverReplicas { get; init; }

    /// <summary>The no-surge capacity plan in force (why the stable runs fewer pods during the canary), or null.</summary>
    public string? NoSurgeReason { get; init; }

    /// <summary>The action tokens after this pass (status.handledActions).</summary>
    public Api.V1Alpha1.RolloutActionTokens? HandledActions { get; init; }

    /// <summary>Notices for Events: (warning?, reason, message).</summary>
    public IReadOnlyList<RolloutNotice> Notices { get; init; } = [];

    public DateTimeOffset? IncomingSince { get; init; }

    public TimeSpan? RecheckAfter { get; init; }

    public ProgressDeadlineFailure? Failed { get; init; }
}
