using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Inference.Batching;

/// <summary>Runs one request's inputs (in model order) and returns the chosen outputs, batched or not.</summary>
public interface IInferenceRunner
{
    Task<Tensor[]> RunAsync(Tensor[] inputs, int[] outputIndexes, CancellationToken cancellationToken);
}
