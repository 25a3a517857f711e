using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Inference.Batching;

/// <summary>Runs one request's inputs (in model order) and returns the chosen outputs, batched or not.</summary>
public interface IInferenceRunner
{
    /// <remarks>A ValueTask: unbatched runs complete synchronously and then allocate no Task.</remarks>
    ValueTask<Tensor[]> RunAsync(Tensor[] inputs, int[] outputIndexes, CancellationToken cancellationToken);
}
