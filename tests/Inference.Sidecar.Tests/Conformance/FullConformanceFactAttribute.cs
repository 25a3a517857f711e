namespace MlOperator.Inference.Sidecar.Tests.Conformance;

/// <summary>Runs only under <c>make test-conformance</c> (MLOP_CONFORMANCE=full): the whole ONNX backend set takes minutes.</summary>
public sealed class FullConformanceFactAttribute : FactAttribute
{
    public FullConformanceFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MLOP_CONFORMANCE") != "full")
        {
            Skip = "the full ONNX backend test set runs with `make test-conformance`; `make test` runs a fixed sample";
        }
    }
}
