using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>410 Gone / Expired: a list or watch resourceVersion too old; relist.</summary>
public sealed class GoneException(V1Status status, Exception? inner = null) : KubeApiException(410, status, inner);
