namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>Session options we expose. Zero threads means "let ONNX Runtime decide".</summary>
public sealed record SessionSettings
{
    public int IntraOpThreads { get; init; }

    public int InterOpThreads { get; init; }

    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    /// <summary>Execution providers by ORT name in preference order; CPU is always the implicit fallback.</summary>
    public IReadOnlyList<string> ExecutionProviders { get; init; } = ["CPUExecutionProvider"];

    public int DeviceId { get; init; }
}
