namespace MlOperator.Operator.Analysis;

public enum AnalysisOutcome
{
    /// <summary>Every configured check held.</summary>
    Passed,

    /// <summary>At least one check exceeded its limit.</summary>
    Failed,

    /// <summary>Too little traffic to judge: neither a pass nor a failure.</summary>
    Inconclusive,
}
