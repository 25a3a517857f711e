using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class TooManyRequestsException(V1Status status, TimeSpan? retryAfter, Exception? inner = null)
    : KubeApiException(429, status, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
