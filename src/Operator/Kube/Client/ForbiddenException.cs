using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class ForbiddenException(V1Status status, Exception? inner = null) : KubeApiException(403, status, inner);
