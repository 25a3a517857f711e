namespace MlOperator.Inference.Sidecar.Tests.Conformance;

/// <summary>What happened to one case: passed, excluded (ONNX Runtime itself cannot run it, or V2 cannot carry it), or failed.</summary>
public sealed record CaseOutcome(ConformanceCase Case, CaseVerdict Verdict, string Detail)
{
    public static CaseOutcome Passed(ConformanceCase c) => new(c, CaseVerdict.Passed, "");

    public static CaseOutcome Excluded(ConformanceCase c, string reason) => new(c, CaseVerdict.Excluded, reason);

    public static CaseOutcome Failed(ConformanceCase c, string message) => new(c, CaseVerdict.Failed, message);
}
