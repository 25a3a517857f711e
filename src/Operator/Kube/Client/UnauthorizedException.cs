using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class UnauthorizedException(V1Status status, Exception? inner = null) : KubeApiException(401, status, inner);
