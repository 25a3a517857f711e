using System.Security.Authentication;
using MlOperator.Operator.Hosting;
using MlOperator.Operator.Kube.Client;
using k8s.Models;
using MlOperator.Operator.Kube;

namespace MlOperator.Operator.UnitTests.Hosting;

public sealed class StartupFailureTests
{
    [Fact]
    public void Tls_failures_point_at_the_kubeconfig_certificate_settings()
    {
        var failure = StartupFailure.From(
            new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established",
                new AuthenticationException("The remote certificate is invalid")), "https://10.0.0.1:6443");

        Assert.Equal(ExitCodes.Unreachable, failure!.ExitCode);
        Assert.Equal("Cannot reach the Kubernetes API server at https://10.0.0.1:6443: TLS handshake failed (The remote certificate is invalid); "
            + "check certificate-authority-data / insecure-skip-tls-verify in the kubeconfig", failure.Message);
    }

    [Fact]
    public void Wrapped_causes_are_found_through_aggregates_and_inner_exceptions()
    {
        var failure = StartupFailure.From(
            new AggregateException(new InvalidOperationException("outer", new UnauthorizedException(new V1Status { Message = "token expired" }))), null);

        Assert.Equal(ExitCodes.AccessDenied, failure!.ExitCode);
        Assert.Contains("(401 Unauthorized): token expired", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_resolution_failures_say_so()
    {
        var failure = StartupFailure.From(
            new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (cluster.invalid:443)"), null);

        Assert.Equal("Cannot reach the Kubernetes API server: the host name does not resolve (Name or service not known (cluster.invalid:443))",
            failure!.Message);
    }

    [Fact]
    public void Other_api_errors_name_the_code_and_reason()
    {
        var failure = StartupFailure.From(new KubeApiException(500, new V1Status { Message = "etcd down", Reason = "InternalError" }), null);

        Assert.Equal((ExitCodes.Failure, "The Kubernetes API server answered 500 InternalError: etcd down"), (failure!.ExitCode, failure.Message));
    }

    [Fact]
    public void Configuration_errors_from_the_library_exit_2()
    {
        var failure = StartupFailure.From(new k8s.Exceptions.KubeConfigException("external exec failed due to timeout"), null);

        Assert.Equal((ExitCodes.ConfigurationError, "Cannot use the Kubernetes configuration: external exec failed due to timeout"),
            (failure!.ExitCode, failure.Message));
    }

    [Fact]
    public void A_bad_kubeconfig_names_the_file_and_the_field_and_exits_2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlop-bad-{Guid.NewGuid():N}");
        File.WriteAllText(path, "apiVersion: v1\nkind: Config\ncurrent-context: prod\nclusters: []\nusers: []\ncontexts: []\n");
        try
        {
            var error = Assert.Throws<KubeConfigException>(() => KubeConnectionLoader.Load(new KubeConnectionOptions { Path = path }));

            var failure = StartupFailure.From(error, null);

            Assert.Equal(ExitCodes.ConfigurationError, failure!.ExitCode);
            Assert.StartsWith($"Cannot use the Kubernetes configuration: {path}: current-context: ", failure.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_refusal_the_library_reports_itself_exits_4()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Forbidden);
        var refused = new k8s.Autorest.HttpOperationException("denied") { Response = new k8s.Autorest.HttpResponseMessageWrapper(response, "forbidden: no list") };

        Assert.Equal(ExitCodes.AccessDenied, StartupFailure.From(refused, "https://k")!.ExitCode);
    }

    [Fact]
    public void Unknown_exceptions_are_not_described()
    {
        Assert.Null(StartupFailure.From(new InvalidOperationException("bug"), null));
    }
}
