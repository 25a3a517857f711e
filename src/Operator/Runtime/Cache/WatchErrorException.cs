using MlOperator.Operator.Kube.Client;
using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Runtime.Cache;

/// <summary>A watch stream delivered an ERROR event other than 410; the reflector relists.</summary>
public sealed class WatchErrorException(Status status) : KubeApiException(status.Code, status);
