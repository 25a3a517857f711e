using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class ForbiddenException(Status status) : KubeApiException(403, status);
