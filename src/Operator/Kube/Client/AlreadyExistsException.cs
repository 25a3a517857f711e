using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

public sealed class AlreadyExistsException(V1Status status, Exception? inner = null) : KubeApiException(409, status, inner);
