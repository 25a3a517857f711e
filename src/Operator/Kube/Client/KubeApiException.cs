using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>An API call the server answered with a Status failure. Subclasses name the reasons callers branch on.</summary>
public class KubeApiException(int statusCode, V1Status status, Exception? inner = null)
    : Exception(status.Message ?? $"HTTP {statusCode}", inner)
{
    public int StatusCode { get; } = statusCode;
    public V1Status Status { get; } = status;
    public string? Reason => Status.Reason;
}
