namespace MlOperator.Operator.Kube.Models;

/// <summary>One decoded watch line. <see cref="Object"/> is null for ERROR events, which carry <see cref="Status"/>.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, Status? Status = null)
    where T : IKubernetesObject;
