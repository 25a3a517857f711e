using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>422 Invalid, with the field causes.</summary>
public sealed class InvalidException(V1Status status, Exception? inner = null) : KubeApiException(422, status, inner)
{
    public IReadOnlyList<V1StatusCause> Causes => Status.Details?.Causes?.ToList() ?? [];
}
