using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>A validated inference request: one tensor per model input (model order) and the outputs wanted.</summary>
/// <param name="Id">The client's request id, echoed in the response.</param>
/// <param name="Inputs">One tensor per model input, in model order.</param>
/// <param name="OutputIndexes">Indexes into the model's outputs, in response order.</param>
/// <param name="BinaryOutputs">Per entry of <paramref name="OutputIndexes"/>: send it as binary data.</param>
public sealed record InferRequest(string? Id, Tensor[] Inputs, int[] OutputIndexes, bool[] BinaryOutputs);
