using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class NotFoundException(Status status) : KubeApiException(404, status);
