using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>410 Gone / Expired: a list or watch resourceVersion too old; relist.</summary>
public sealed class GoneException(Status status) : KubeApiException(410, status);
