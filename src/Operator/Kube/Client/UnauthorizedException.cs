using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class UnauthorizedException(Status status) : KubeApiException(401, status);
