using System.Diagnostics;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>The real kubectl against a kubeconfig (the test cluster's by default), with its own discovery cache directory.</summary>
public sealed class KubectlRunner(string kubeconfig) : IDisposable
{
    public KubectlRunner(TestCluster cluster)
        : this(cluster.KubeconfigPath)
    {
    }

    private readonly string _cache = Directory.CreateTempSubdirectory("mlop-kubectl-").FullName;

    public async Task<string> RunOkAsync(params string[] args)
    {
        var binary = RepoPaths.Kubectl;
        if (!File.Exists(binary))
        {
            Assert.Fail($"kubectl not found at {binary}: run `make deps` (or set MLOP_KUBECTL)");
        }

        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment["KUBECACHEDIR"] = _cache;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"kubectl {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}\n{await stderr}");
        return await stdout;
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
