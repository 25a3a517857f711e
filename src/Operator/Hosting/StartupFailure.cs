using System.Net.Http;
using System.Security.Authentication;
using MlOperator.Operator.Kube;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.Hosting;

/// <summary>
/// A failure whose cause we know, turned into one line for the user and an exit code. Anything not recognised
/// here is reported with its exception, because then the stack trace is the useful part.
/// </summary>
public sealed record StartupFailure(int ExitCode, string Message)
{
    /// <param name="exception">What stopped the operator; wrappers (aggregate, inner exceptions) are looked through.</param>
    /// <param name="server">The API server URL, for the message; null when unknown.</param>
    public static StartupFailure? From(Exception exception, string? server)
    {
        var at = server is null ? "" : $" at {server}";
        foreach (var candidate in Chain(exception))
        {
            switch (candidate)
            {
                case StartupCheckException check:
                    return new(check.ExitCode, check.Message);
                case KubeConfigException kubeConfig:
                    return new(ExitCodes.ConfigurationError, $"Cannot use the Kubernetes configuration: {kubeConfig.Message}");
                case k8s.Exceptions.KubeConfigException library:
                    // The library's own configuration errors past loading (an exec plugin that fails on refresh, say).
                    return new(ExitCodes.ConfigurationError, $"Cannot use the Kubernetes configuration: {library.Message}");
                case k8s.Autorest.HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } denied:
                    // Our client maps these; this catches a library call made outside it.
                    return new(ExitCodes.AccessDenied,
                        $"The Kubernetes API server{at} refused the operator ({(int)denied.Response.StatusCode} {denied.Response.StatusCode}): {denied.Response.Content}");
                case UnauthorizedException unauthorized:
                    return new(ExitCodes.AccessDenied,
                        $"The Kubernetes API server{at} rejected the operator's credentials (401 Unauthorized): {unauthorized.Message}. "
                        + "Check the token or client certificate of the kubeconfig user (or the pod's service account).");
                case ForbiddenException forbidden:
                    return new(ExitCodes.AccessDenied,
                        $"The Kubernetes API server{at} denied access (403 Forbidden): {forbidden.Message}. "
                        + "Grant the operator's identity the RBAC permissions in charts/ml-operator.");
                case KubeApiException api:
                    return new(ExitCodes.Failure,
                        $"The Kubernetes API server{at} answered {api.StatusCode} {api.Reason}: {api.Message}");
                case HttpRequestException http:
                    return new(ExitCodes.Unreachable, $"Cannot reach the Kubernetes API server{at}: {Describe(http)}");
                case TimeoutException or TaskCanceledException { InnerException: TimeoutException }:
                    return new(ExitCodes.Unreachable, $"The Kubernetes API server{at} did not answer in time: {candidate.Message}");
                case IOException io when io.Message.StartsWith("Failed to bind", StringComparison.Ordinal):
                    return new(ExitCodes.ConfigurationError, $"Cannot serve /metrics, /healthz and /readyz: {io.Message} (change --metrics-address)");
            }
        }

        return null;
    }

    private static string Describe(HttpRequestException http)
    {
        var tls = Chain(http).OfType<AuthenticationException>().FirstOrDefault();
        if (tls is not null)
        {
            return $"TLS handshake failed ({tls.Message}); check certificate-authority-data / insecure-skip-tls-verify in the kubeconfig";
        }

        var innermost = Chain(http).Last();
        return http.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"the host name does not resolve ({innermost.Message})",
            HttpRequestError.ConnectionError => $"connection failed ({innermost.Message})",
            _ => http.Message,
        };
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is AggregateException { InnerExceptions.Count: 1 } aggregate)
            {
                current = aggregate.InnerExceptions[0];
            }

            yield return current;
        }
    }
}
