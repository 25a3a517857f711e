using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class NotFoundException(V1Status status, Exception? inner = null) : KubeApiException(404, status, inner);
