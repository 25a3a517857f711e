namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>ONNX Runtime's <c>GraphOptimizationLevel</c>.</summary>
public enum GraphOptimizationLevel
{
    Disable = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}
