using System.Net;
using Microsoft.Extensions.Logging;
using MlOperator.Inference.Sidecar.Options;
using MlOperator.Inference.Sidecar.Inference;
using MlOperator.Inference.Sidecar.Metrics;

namespace MlOperator.Inference.Sidecar.Tests.Hosting;

public sealed class WarmupTests
{
    [Fact]
    public async Task A_model_whose_synthetic_warmup_fails_logs_a_warning_and_still_goes_ready()
    {
        // int_mod divides by its second input: the synthetic warm-up on zeros fails, real inputs work.
        var logger = new RecordingLogger();
        await using var host = new ModelHost(new SidecarOptions { ModelPath = TestAssets.Model("int_mod"), ModelName = "int_mod" },
            new SidecarMetrics(new TestMeterFactory()), TimeProvider.System, logger);
        host.Load();

        Assert.True(host.IsReady);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("warm-up", warning.Message);
        Assert.Contains("--warmup-request", warning.Message);
    }

    [Fact]
    public async Task The_model_whose_synthetic_warmup_fails_answers_real_requests_over_http()
    {
        await using var factory = new SidecarFactory("int_mod");
        using var client = await factory.ReadyClientAsync();
        var (status, body) = await SidecarFactory.PostAsync(client, "/v2/models/int_mod/infer", SidecarFactory.Json(SidecarFactory.ReferenceRequest("int_mod")));
        Assert.Equal((int)HttpStatusCode.OK, status);
        TestAssets.AssertOutputsMatchReference("int_mod", body);
    }

    [Fact]
    public async Task A_warmup_request_that_succeeds_makes_the_model_ready()
    {
        var path = WriteRequest(SidecarFactory.ReferenceRequest("int_mod").ToJsonString());
        try
        {
            await using var host = Host("int_mod", path);
            host.Load();
            Assert.True(host.IsReady);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_warmup_request_that_fails_fails_startup_naming_the_file_and_the_cause()
    {
        var path = WriteRequest("""{"inputs":[{"name":"a","datatype":"INT64","shape":[1],"data":[1]},{"name":"b","datatype":"INT64","shape":[1],"data":[0]}]}""");
        try
        {
            await using var host = Host("int_mod", path);
            var error = Assert.Throws<ModelLoadException>(host.Load);
            Assert.Contains(path, error.Message);
            Assert.Contains("warm-up request", error.Message);
            Assert.False(host.IsReady);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_warmup_request_the_model_cannot_take_fails_startup_with_the_validation_message()
    {
        var path = WriteRequest("""{"inputs":[{"name":"input","datatype":"FP32","shape":[1,15],"data":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}""");
        try
        {
            await using var host = Host("mlp", path);
            var error = Assert.Throws<ModelLoadException>(host.Load);
            Assert.Contains("shape [1,15]", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_missing_warmup_request_file_fails_startup()
    {
        await using var host = Host("mlp", "/nonexistent/warmup.json");
        var error = Assert.Throws<ModelLoadException>(host.Load);
        Assert.Contains("/nonexistent/warmup.json", error.Message);
    }

    private static ModelHost Host(string model, string warmupRequest) =>
        new(new SidecarOptions { ModelPath = TestAssets.Model(model), ModelName = model, WarmupRequestPath = warmupRequest },
            new SidecarMetrics(new TestMeterFactory()), TimeProvider.System, new RecordingLogger());

    private static string WriteRequest(string json)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, json);
        return path;
    }
}
