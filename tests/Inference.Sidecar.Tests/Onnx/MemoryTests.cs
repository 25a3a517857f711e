using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests.Onnx;

public sealed class MemoryTests
{
    // Counts, not bytes: a resident-set or heap bound measures the allocator and the GC of a process shared with
    // other tests, and failed on busy machines. Every native OrtValue a run creates must be released by the time it
    // returns, so the live count is exactly zero between runs whatever else the process is doing.
    [Fact]
    public void Every_native_value_is_released_after_100000_inferences()
    {
        using var session = TestAssets.Session("types");
        var (inputs, _) = TestAssets.Reference("types");
        var ordered = session.Inputs.Select(i => inputs[i.Name]).ToArray();
        int[] all = [.. Enumerable.Range(0, session.Outputs.Count)];

        for (var i = 0; i < 100_000; i++)
        {
            session.Run(ordered, all);
        }

        Assert.Equal(0, session.LiveValues);
    }

    [Fact]
    public void Native_values_are_released_when_a_run_fails()
    {
        using var session = TestAssets.Session("types");
        var (inputs, _) = TestAssets.Reference("types");
        var ordered = session.Inputs.Select(i => inputs[i.Name]).ToArray();
        // Every input is created natively before ORT checks types, so a wrong type on the last input fails the run
        // after all the others exist.
        var last = ordered.Length - 1;
        ordered[last] = ordered[last].ElementType == TensorElementType.Double
            ? Tensor.FromBytes(TensorElementType.Float, ordered[last].Shape, new byte[ordered[last].ElementCount * 4])
            : Tensor.FromBytes(TensorElementType.Double, ordered[last].Shape, new byte[ordered[last].ElementCount * 8]);

        Assert.Throws<OnnxRuntimeException>(() => session.Run(ordered, [.. Enumerable.Range(0, session.Outputs.Count)]));
        Assert.Equal(0, session.LiveValues);
    }
}
