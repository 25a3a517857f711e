using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>An API call the server answered with a Status failure. Subclasses name the reasons callers branch on.</summary>
public class KubeApiException(int statusCode, Status status)
    : Exception(status.Message ?? $"HTTP {statusCode}")
{
    public int StatusCode { get; } = statusCode;
    public Status Status { get; } = status;
    public string? Reason => Status.Reason;
}
