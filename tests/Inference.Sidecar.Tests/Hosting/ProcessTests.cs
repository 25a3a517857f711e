using System.Diagnostics;
using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Tests.Hosting;

/// <summary>The sidecar as a real process: what it does before it listens.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task A_sha256_mismatch_exits_non_zero_before_listening_naming_both_digests()
    {
        var wrong = new string('0', 64);
        var (exitCode, output) = await RunAsync("--model", TestAssets.Model("mlp"), "--sha256", wrong, "--port", "18089");
        Assert.Equal(3, exitCode);
        Assert.Contains($"has sha256 {ModelFile.Sha256(TestAssets.Model("mlp"))}, but {wrong} was expected", output);
        Assert.DoesNotContain("Now listening", output);
    }

    [Fact]
    public async Task An_unknown_flag_exits_2_with_usage()
    {
        var (exitCode, output) = await RunAsync("--modle", "x.onnx");
        Assert.Equal(2, exitCode);
        Assert.Contains("unknown argument '--modle'", output);
        Assert.Contains("--max-batch-delay", output);
    }

    [Fact]
    public async Task A_bad_setting_exits_2_naming_the_variable()
    {
        var (exitCode, output) = await RunAsync("--model", TestAssets.Model("mlp"), "--max-batch-size", "zero");
        Assert.Equal(2, exitCode);
        Assert.Contains("MLOP_MAX_BATCH_SIZE must be an integer", output);
    }

    [Fact]
    public async Task The_fetch_subcommand_fails_with_one_line_naming_the_uri_and_the_cause()
    {
        var (exitCode, output) = await RunAsync("fetch", "ftp://models.example/model.onnx", Path.Combine(Path.GetTempPath(), "never-written.onnx"));
        Assert.Equal(1, exitCode);
        Assert.Equal("error: fetch ftp://models.example/model.onnx: unsupported scheme 'ftp': this build fetches http(s)://, hf://, s3://, gs:// and az://", output.Trim());
    }

    [Fact]
    public void A_matching_sha256_is_accepted_and_returned()
    {
        var digest = ModelFile.Sha256(TestAssets.Model("cnn"));
        Assert.Equal(digest, ModelFile.Verify(TestAssets.Model("cnn"), digest.ToUpperInvariant()));
        Assert.Matches("^[0-9a-f]{64}$", digest);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "MlOperator.Inference.Sidecar.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(app);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
