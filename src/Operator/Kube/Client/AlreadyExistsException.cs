using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class AlreadyExistsException(Status status) : KubeApiException(409, status);
