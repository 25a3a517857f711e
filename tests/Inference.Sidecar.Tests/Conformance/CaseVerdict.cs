namespace MlOperator.Inference.Sidecar.Tests.Conformance;

public enum CaseVerdict
{
    Passed,
    Excluded,
    Failed,
}
