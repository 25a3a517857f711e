namespace MlOperator.Operator.Rollout;

/// <summary>
/// Where a canary stands, everything the planner needs to resume after a restart (it round-trips through status).
/// </summary>
/// <param name="Step">Index into the policy's steps.</param>
/// <param name="StepStartedAt">When the step's canary pods were all Ready; null while waiting for them. Pause time
/// and analysis count only from here (traffic before readiness is what gave kserve#5983 its 503s).</param>
/// <param name="AnalysisFailures">Failed checks in this rollout; reaching the failure limit rolls back.</param>
/// <param name="NextAnalysisAt">When the next check is due.</param>
/// <param name="StuckSince">Since when the canary has been unready or inconclusive without a pass in between;
/// bounded by the progress deadline.</param>
/// <param name="StepPassed">Whether the latest check of this step passed: a step ends only on a pass.</param>
/// <param name="LastAnalysis">One line on the latest check, for status and describe.</param>
public sealed record CanaryProgress(
    int Step,
    DateTimeOffset? StepStartedAt,
    int AnalysisFailures,
    DateTimeOffset? NextAnalysisAt,
    DateTimeOffset? StuckSince,
    bool StepPassed,
    string? LastAnalysis)
{
    public static readonly CanaryProgress Start = new(0, null, 0, null, null, false, null);
}
