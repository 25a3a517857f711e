using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests.Onnx;

public sealed class OnnxRuntimeTests
{
    [Fact]
    public void Reports_the_loaded_library_version()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", TestAssets.Runtime.Version);
    }

    [Fact]
    public void Lists_the_cpu_provider()
    {
        Assert.Contains("CPUExecutionProvider", TestAssets.Runtime.AvailableProviders());
    }

    [Fact]
    public void Selecting_cuda_when_the_library_lacks_it_fails_naming_the_provider_and_what_is_available()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.CheckProviders(
            ["CUDAExecutionProvider"], ["CPUExecutionProvider"], "ONNX Runtime 1.30.0 at 'lib.so'"));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.Code);
        Assert.Contains("'CUDAExecutionProvider' is not available in ONNX Runtime 1.30.0 at 'lib.so' (available: CPUExecutionProvider)", error.Message);
    }

    [Fact]
    public void Cuda_is_the_only_provider_appended_and_cpu_is_implicit()
    {
        Assert.Equal(["CUDAExecutionProvider"], OnnxSession.CheckProviders(
            ["CUDAExecutionProvider", "CPUExecutionProvider"], ["CUDAExecutionProvider", "CPUExecutionProvider"], "here"));
        Assert.Throws<OnnxRuntimeException>(() => OnnxSession.CheckProviders(["WebGpuExecutionProvider"], ["WebGpuExecutionProvider"], "here"));
    }

    [Fact]
    public void Selecting_cuda_where_it_is_unavailable_fails_with_a_clear_error_not_a_crash()
    {
        // The CPU package does not list CUDA; the GPU package lists it but cannot append it without a GPU and the
        // CUDA runtime. Either way session creation must fail with a message naming CUDA and the package, not crash.
        if (TestAssets.CudaUsable)
        {
            return; // a working GPU (GPU package, CUDA runtime): CUDA sessions succeed, see the test below
        }

        var error = Assert.Throws<OnnxRuntimeException>(() => TestAssets.Session("mlp",
            new SessionSettings { ExecutionProviders = ["CUDAExecutionProvider", "CPUExecutionProvider"] }));
        Assert.Contains("CUDAExecutionProvider", error.Message);
        Assert.Contains(OnnxRuntime.Package, error.Message);
    }

    [Fact]
    public void With_a_working_gpu_a_cuda_session_gives_the_reference_outputs()
    {
        if (!TestAssets.CudaUsable)
        {
            return; // CPU package or no GPU here: the test above covers the error instead
        }

        using var session = TestAssets.Session("mlp", new SessionSettings { ExecutionProviders = ["CUDAExecutionProvider", "CPUExecutionProvider"] });
        var (inputs, expected) = TestAssets.Reference("mlp");
        TestAssets.AssertSameTensor(expected["logits"], session.Run(inputs, "logits")["logits"], "logits", 1e-4);
    }

    [Fact]
    public void The_runtime_is_the_nuget_package_build()
    {
        Assert.StartsWith("1.31.", TestAssets.Runtime.Version);
        Assert.Contains("Microsoft.ML.OnnxRuntime", TestAssets.Runtime.Description);
    }

    [Fact]
    public void A_model_that_is_not_onnx_fails_with_the_runtimes_own_message()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a protobuf");
            var error = Assert.Throws<OnnxRuntimeException>(() => TestAssets.Runtime.CreateSession(path, new SessionSettings()));
            Assert.NotEqual(OrtErrorCode.Ok, error.Code);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
