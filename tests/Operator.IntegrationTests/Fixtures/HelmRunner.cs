using System.Diagnostics;

namespace MlOperator.Operator.IntegrationTests.Fixtures;

/// <summary>The real helm (v4, from .tools) with its own cache and config directories, so tests never touch the user's.</summary>
public static class HelmRunner
{
    public static string Binary =>
        Environment.GetEnvironmentVariable("MLOP_HELM") is { Length: > 0 } path ? path : Path.Combine(RepoPaths.Root, ".tools", "bin", "helm");

    public static string Chart => Path.Combine(RepoPaths.Root, "charts", "ml-operator");

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string? kubeconfig, params string[] args)
    {
        if (!File.Exists(Binary))
        {
            Assert.Fail($"helm not found at {Binary}: run `make deps` (or set MLOP_HELM)");
        }

        var home = Directory.CreateTempSubdirectory("mlop-helm-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                psi.ArgumentList.Add(arg);
            }

            psi.Environment["HELM_CACHE_HOME"] = Path.Combine(home, "cache");
            psi.Environment["HELM_CONFIG_HOME"] = Path.Combine(home, "config");
            psi.Environment["HELM_DATA_HOME"] = Path.Combine(home, "data");
            if (kubeconfig is not null)
            {
                psi.Environment["KUBECONFIG"] = kubeconfig;
            }

            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    public static async Task<string> RunOkAsync(string? kubeconfig, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(kubeconfig, args);
        Assert.True(exit == 0, $"helm {string.Join(' ', args)} exited {exit}: {stdout}\n{stderr}");
        return stdout;
    }

    /// <summary>`helm template` of the chart as release ml-operator in namespace ml-system.</summary>
    public static Task<string> TemplateAsync(params string[] extra) =>
        RunOkAsync(null, ["template", "ml-operator", Chart, "--namespace", "ml-system", .. extra]);
}
