using Microsoft.Extensions.Logging.Abstractions;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Tests.Hosting;

public sealed class ModelHostTests
{
    [Fact]
    public async Task Is_not_ready_until_loaded_and_warmed_up()
    {
        await using var host = Host("mlp");
        Assert.False(host.IsReady);
        Assert.False(host.Loaded.IsCompleted);
        Assert.Equal(InferenceError.Unavailable, Assert.Throws<InferenceException>(() => host.Runner).Error);
        host.Load();
        Assert.True(host.IsReady);
        Assert.True(host.Loaded.IsCompletedSuccessfully);
        Assert.Equal(ModelFile.Sha256(TestAssets.Model("mlp")), host.Sha256);
    }

    [Fact]
    public async Task A_model_that_fails_to_load_never_becomes_ready_and_says_why()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "not onnx");
            await using var host = new ModelHost(new SidecarOptions { ModelPath = path },
                new SidecarMetrics(new TestMeterFactory()), TimeProvider.System, NullLogger<ModelHost>.Instance);
            var error = Assert.Throws<ModelLoadException>(host.Load);
            Assert.Contains(path, error.Message);
            Assert.False(host.IsReady);
            await Assert.ThrowsAsync<ModelLoadException>(() => host.Loaded);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ModelHost Host(string model) =>
        new(new SidecarOptions { ModelPath = TestAssets.Model(model), ModelName = model },
            new SidecarMetrics(new TestMeterFactory()), TimeProvider.System, NullLogger<ModelHost>.Instance);
}
