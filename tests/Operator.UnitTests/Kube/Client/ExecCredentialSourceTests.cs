using System.Net;
using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Config;
using MlOperator.Operator.UnitTests.Fakes;

namespace MlOperator.Operator.UnitTests.Kube.Client;

/// <summary>Exec plugins are real processes here (/bin/sh printing an ExecCredential), as kubectl would run them.</summary>
public class ExecCredentialSourceTests
{
    private readonly FakeTimeProvider _time = new();

    private static KubeExecConfig Shell(string script, Dictionary<string, string>? env = null) => new()
    {
        Command = "/bin/sh",
        Args = ["-c", script],
        Env = env ?? [],
        Source = "~/.kube/config: users[0].user.exec",
    };

    private static string Credential(string token, DateTimeOffset? expires = null) =>
        "printf '%s' '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":\"" + token + "\""
        + (expires is null ? "" : ",\"expirationTimestamp\":\"" + expires.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") + "\"") + "}}'";

    [Fact]
    public async Task Passes_env_and_exec_info_to_the_plugin_and_uses_its_token()
    {
        var script = """printf '{"kind":"ExecCredential","status":{"token":"%s-%s"}}' "$PROFILE_NAME" "$(printf '%s' "$KUBERNETES_EXEC_INFO" | grep -c '"interactive":false')" """;
        var source = new ExecCredentialSource(Shell(script, new() { ["PROFILE_NAME"] = "ml" }), _time);

        Assert.Equal("ml-1", await source.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Caches_the_token_until_shortly_before_it_expires()
    {
        var source = new ExecCredentialSource(Shell(Credential("t1", _time.GetUtcNow().AddMinutes(5))), _time);

        await source.GetTokenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(4));
        await source.GetTokenAsync(CancellationToken.None);
        Assert.Equal(1, source.Runs);

        _time.Advance(TimeSpan.FromSeconds(51));
        await source.GetTokenAsync(CancellationToken.None);
        Assert.Equal(2, source.Runs);
    }

    [Fact]
    public async Task Runs_again_after_the_server_refused_the_token()
    {
        var source = new ExecCredentialSource(Shell(Credential("t1")), _time);
        await source.GetTokenAsync(CancellationToken.None);

        source.Invalidate();
        await source.GetTokenAsync(CancellationToken.None);

        Assert.Equal(2, source.Runs);
    }

    [Fact]
    public async Task A_failing_plugin_reports_its_exit_code_and_stderr()
    {
        var source = new ExecCredentialSource(Shell("echo 'token expired, run aws sso login' >&2; exit 3"), _time);

        var error = await Assert.ThrowsAsync<KubeConfigException>(() => source.GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Equal("~/.kube/config: users[0].user.exec: \"/bin/sh\" exited with code 3: token expired, run aws sso login", error.Message);
    }

    [Fact]
    public async Task A_missing_plugin_names_the_command_and_the_install_hint()
    {
        var exec = new KubeExecConfig { Command = "/nonexistent/get-token", InstallHint = "brew install get-token", Source = "cfg: users[0].user.exec" };

        var error = await Assert.ThrowsAsync<KubeConfigException>(() => new ExecCredentialSource(exec, _time).GetTokenAsync(CancellationToken.None).AsTask());

        Assert.StartsWith("cfg: users[0].user.exec: cannot run \"/nonexistent/get-token\"", error.Message);
        Assert.EndsWith("(brew install get-token)", error.Message);
    }

    [Theory]
    [InlineData("echo not json", "printed something that is not an ExecCredential: not json")]
    [InlineData("echo '{\"kind\":\"Other\"}'", "did not print an ExecCredential with a status")]
    [InlineData("echo '{\"kind\":\"ExecCredential\",\"status\":{}}'", "has no status.token")]
    [InlineData("echo '{\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":\"x\"}}'", "client certificates from exec plugins are not supported")]
    public async Task Refuses_output_that_is_not_a_token_credential(string script, string expected)
    {
        var error = await Assert.ThrowsAsync<KubeConfigException>(() => new ExecCredentialSource(Shell(script), _time).GetTokenAsync(CancellationToken.None).AsTask());

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task The_client_sends_the_plugin_token_and_asks_again_after_a_401()
    {
        var handler = new FakeHttpHandler()
            .Respond(HttpStatusCode.Unauthorized, FakeHttpHandler.Status(401, "Unauthorized", "Unauthorized"))
            .Respond(HttpStatusCode.OK, """{"metadata":{"name":"cfg"}}""");
        var counter = Path.Combine(Path.GetTempPath(), $"mlop-exec-{Guid.NewGuid():N}");
        var script = $$$"""
            echo run >> {{{counter}}}
            n=$(wc -l < {{{counter}}} | tr -d ' ')
            printf '{"kind":"ExecCredential","status":{"token":"tok-%s"}}' "$n"
            """;
        var config = new KubeClientConfig { Server = new Uri("https://k"), Exec = Shell(script) };
        using var client = new KubeClient(config, handler, new KubeClientOptions { Qps = 0 }, _time);
        try
        {
            await Assert.ThrowsAsync<UnauthorizedException>(() => client.GetAsync<TestConfigMap>("cfg"));
            await client.GetAsync<TestConfigMap>("cfg");
        }
        finally
        {
            File.Delete(counter);
        }

        Assert.Equal(["Bearer tok-1", "Bearer tok-2"], handler.Requests.Select(r => r.Authorization));
    }
}
