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
    public void Selecting_cuda_on_the_cpu_only_test_library_fails_with_a_clear_error_not_a_crash()
    {
        // The npm build lists CUDAExecutionProvider (and CPU); whether it lacks CUDA in its list or only lacks the
        // provider plugin beside it, session creation must fail with a message that names CUDA, not crash.
        var error = Assert.Throws<OnnxRuntimeException>(() => TestAssets.Session("mlp",
            new SessionSettings { ExecutionProviders = ["CUDAExecutionProvider", "CPUExecutionProvider"] }));
        Assert.Contains("CUDAExecutionProvider", error.Message);
        Assert.Contains(TestAssets.Runtime.LibraryPath, error.Message);
    }

    [Fact]
    public void A_missing_library_fails_with_its_path_and_how_to_get_it()
    {
        var error = Assert.Throws<FileNotFoundException>(() => OnnxRuntime.Load("/nonexistent/libonnxruntime.so.1"));
        Assert.Contains("/nonexistent/libonnxruntime.so.1", error.Message);
        Assert.Contains("make deps", error.Message);
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
