namespace MlOperator.Inference.Sidecar.Tests.Conformance;

/// <summary>One ONNX backend test: a model and its reference input/output sets.</summary>
/// <param name="Name">Suite and test name, e.g. <c>node/test_abs</c>.</param>
public sealed record ConformanceCase(string Name, string ModelPath, IReadOnlyList<string> DataSets)
{
    public override string ToString() => Name;
}
