using k8s.Models;
using MlOperator.Operator.Kube.Client;

namespace MlOperator.Operator.Runtime.Cache;

/// <summary>A watch stream delivered an ERROR event other than 410; the reflector relists.</summary>
public sealed class WatchErrorException(V1Status status) : KubeApiException(status.Code ?? 500, status);
