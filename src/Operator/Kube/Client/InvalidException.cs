using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>422 Invalid, with the field causes.</summary>
public sealed class InvalidException(Status status) : KubeApiException(422, status)
{
    public IReadOnlyList<StatusCause> Causes => Status.Details?.Causes ?? [];
}
