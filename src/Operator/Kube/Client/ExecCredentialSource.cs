using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using MlOperator.Operator.Kube.Config;

namespace MlOperator.Operator.Kube.Client;

/// <summary>
/// Runs a kubeconfig exec plugin and caches its token until the expiry it reports (or until the server says 401).
/// One run at a time, however many requests are waiting.
/// </summary>
internal sealed class ExecCredentialSource(KubeExecConfig exec, TimeProvider time)
{
    /// <summary>Refresh this long before the reported expiry, so a request in flight does not carry a dying token.</summary>
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Credential? _current;

    public int Runs { get; private set; }

    public async ValueTask<string> GetTokenAsync(CancellationToken ct)
    {
        if (Fresh(_current) is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Fresh(_current) is { } again)
            {
                return again;
            }

            var credential = await RunAsync(ct).ConfigureAwait(false);
            _current = credential;
            return credential.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The server refused the token: the next request runs the plugin again.</summary>
    public void Invalidate() => _current = null;

    private string? Fresh(Credential? credential) =>
        credential is not null && (credential.ExpiresAt is null || time.GetUtcNow() < credential.ExpiresAt - ExpirySkew) ? credential.Token : null;

    private async Task<Credential> RunAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo(exec.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in exec.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in exec.Env)
        {
            start.Environment[name] = value;
        }

        start.Environment["KUBERNETES_EXEC_INFO"] =
            $$$"""{"kind":"ExecCredential","apiVersion":"{{{exec.ApiVersion}}}","spec":{"interactive":false}}""";

        Runs++;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("the process did not start");
        }
        catch (Win32Exception e)
        {
            var hint = string.IsNullOrWhiteSpace(exec.InstallHint) ? "" : $" ({exec.InstallHint.Trim()})";
            throw new KubeConfigException($"{exec.Source}: cannot run \"{exec.Command}\": {e.Message}{hint}", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(RunTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            var stdout = process.StandardOutput.ReadToEndAsync(linked.Token);
            var stderr = process.StandardError.ReadToEndAsync(linked.Token);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (ct.IsCancellationRequested)
                {
                    throw;
                }

                throw new KubeConfigException($"{exec.Source}: \"{exec.Command}\" did not finish within {RunTimeout.TotalSeconds:0}s");
            }

            if (process.ExitCode != 0)
            {
                throw new KubeConfigException($"{exec.Source}: \"{exec.Command}\" exited with code {process.ExitCode}: {Snippet(stderr.Result)}");
            }

            return Parse(stdout.Result);
        }
    }

    private Credential Parse(string output)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            if (!root.TryGetProperty("kind", out var kind) || kind.GetString() != "ExecCredential"
                || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
            {
                throw new KubeConfigException($"{exec.Source}: \"{exec.Command}\" did not print an ExecCredential with a status");
            }

            if (!status.TryGetProperty("token", out var token) || token.GetString() is not { Length: > 0 } tokenText)
            {
                throw new KubeConfigException(status.TryGetProperty("clientCertificateData", out _)
                    ? $"{exec.Source}: client certificates from exec plugins are not supported, only tokens"
                    : $"{exec.Source}: the ExecCredential from \"{exec.Command}\" has no status.token");
            }

            DateTimeOffset? expires = status.TryGetProperty("expirationTimestamp", out var expiry) && expiry.ValueKind == JsonValueKind.String
                ? expiry.GetDateTimeOffset()
                : null;
            return new Credential(tokenText, expires);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new KubeConfigException($"{exec.Source}: \"{exec.Command}\" printed something that is not an ExecCredential: {Snippet(output)}", e);
        }
    }

    private static string Snippet(string text)
    {
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= 300 ? collapsed : collapsed[..300] + "…";
    }

    private sealed record Credential(string Token, DateTimeOffset? ExpiresAt);
}
