namespace MlOperator.Operator.Analysis;

/// <summary>One check that exceeded its limit, in the words the Degraded condition uses.</summary>
public sealed record AnalysisFinding(string Metric, double Value, double Limit);
