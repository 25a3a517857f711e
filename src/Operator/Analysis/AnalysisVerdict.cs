using System.Globalization;

namespace MlOperator.Operator.Analysis;

/// <summary>The result of judging one analysis window: the outcome, the failed checks and a one-line summary.</summary>
public sealed record AnalysisVerdict(AnalysisOutcome Outcome, IReadOnlyList<AnalysisFinding> Findings, string Summary)
{
    public static AnalysisVerdict Inconclusive(string why) => new(AnalysisOutcome.Inconclusive, [], why);

    public static AnalysisVerdict Failed(IReadOnlyList<AnalysisFinding> findings) => new(
        AnalysisOutcome.Failed,
        findings,
        string.Join("; ", findings.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Metric} {f.Value:0.####} exceeds limit {f.Limit:0.####}"))));

    public static AnalysisVerdict Passed(string summary) => new(AnalysisOutcome.Passed, [], summary);
}
