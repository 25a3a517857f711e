using k8s.Models;

namespace MlOperator.Operator.Kube.Client;

/// <summary>409 Conflict: stale resourceVersion, or a server-side-apply field-manager conflict.</summary>
public sealed class ConflictException(V1Status status, Exception? inner = null) : KubeApiException(409, status, inner);
