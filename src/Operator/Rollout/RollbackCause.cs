namespace MlOperator.Operator.Rollout;

public enum RollbackCause
{
    /// <summary>Failed checks reached the failure limit.</summary>
    AnalysisFailed,

    /// <summary>Unready or inconclusive for longer than the progress deadline.</summary>
    ProgressDeadlineExceeded,

    /// <summary>Asked for with the serving.mloperator.io/abort annotation.</summary>
    Aborted,
}
