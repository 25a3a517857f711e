using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>409 Conflict: stale resourceVersion, or a server-side-apply field-manager conflict.</summary>
public sealed class ConflictException(Status status) : KubeApiException(409, status);
