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
    public IReadOnlyList<RevisionPlan> Plans => Incoming is null ? [Stable] : [Stable, Incoming];

    public DateTimeOffset? IncomingSince { get; init; }

    public TimeSpan? RecheckAfter { get; init; }

    public ProgressDeadlineFailure? Failed { get; init; }
}
