using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class TooManyRequestsException(Status status, TimeSpan? retryAfter) : KubeApiException(429, status)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
