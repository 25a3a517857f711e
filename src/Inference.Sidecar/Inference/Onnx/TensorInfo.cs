namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>A model input or output: name, element type and shape, with -1 for dynamic dimensions.</summary>
public sealed record TensorInfo(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape)
{
    /// <summary>True when the first dimension is dynamic, i.e. requests can be stacked along it.</summary>
    public bool HasDynamicBatch => Shape.Count > 0 && Shape[0] < 0;
}
