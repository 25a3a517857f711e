using k8s;
using k8s.Models;

namespace MlOperator.Operator.Kube.Models;

/// <summary>One decoded watch event. <see cref="Object"/> is null for ERROR events, which carry <see cref="Status"/>.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, V1Status? Status = null)
    where T : IKubernetesObject<V1ObjectMeta>;
